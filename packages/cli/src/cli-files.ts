import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CordonError } from '@cordon/core';

/** Refuses a path that is not an existing file, naming the option it came from. */
export function mustExist(file: string, option: string): void {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new CordonError('CORDON_ERR_VALIDATION', `No file ${file} (${option}).`, { field: option });
  }
}

/** A CordonError from one file, its message prefixed with the file's name. */
export function inFile(error: CordonError, file: string): CordonError {
  const name = basename(file);
  return new CordonError(error.code, `${name} ${error.message}`, { ...error.details, file: name });
}
