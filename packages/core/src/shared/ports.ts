/** Ports through which core reaches time and randomness; adapters live outside core. */
export interface Clock {
  now(): Date;
}

export interface RandomSource {
  bytes(length: number): Uint8Array;
}

export const systemClock: Clock = { now: () => new Date() };
