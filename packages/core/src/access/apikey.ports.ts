export interface ApiKeyRow {
  id: string;
  name: string;
  secretHash: Buffer;
  scopes: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeyRepository {
  insert(row: ApiKeyRow): Promise<void>;
  find(id: string): Promise<ApiKeyRow | undefined>;
  list(): Promise<ApiKeyRow[]>;
  revoke(id: string, at: Date): Promise<boolean>;
}
