import { Logger } from '@nestjs/common';
import { securePrivateDir } from '@ledger/private-files';
import { join } from 'node:path';
import {
  KeyRing,
  loadOrCreateLocalKeyRing,
  MongoSealedTokenStore,
  SqliteSealedTokenStore,
  TokenVault,
} from '@ledger/token-vault';
import type { Connection } from 'mongoose';
import type { AppConfig } from '../config/app-config';

/** The vault over the configured store, with TOKEN_ENCRYPTION_KEYS or a local key ring. */
export async function createTokenVault(
  config: AppConfig,
  mongo: Connection | null,
  keyRing: KeyRing,
): Promise<TokenVault> {
  const records = mongo
    ? await MongoSealedTokenStore.open({ mongo: mongo })
    : SqliteSealedTokenStore.open({ sqlitePath: sqliteFile(config, 'tokens.sqlite') });
  return new TokenVault(records, keyRing);
}

/** TOKEN_ENCRYPTION_KEYS, or for a local run a key ring created in DATA_DIR (with a warning). */
export function keyRingFor(config: AppConfig): KeyRing {
  if (config.tokenEncryptionKeys) {
    return KeyRing.parse(
      config.tokenEncryptionKeys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(','),
    );
  }
  const local = loadOrCreateLocalKeyRing(config.dataDir);
  new Logger('TokenVault').warn(
    `TOKEN_ENCRYPTION_KEYS is not set: ${local.created ? 'created' : 'using'} a local key ring at ${local.path}. Set TOKEN_ENCRYPTION_KEYS outside local runs.`,
  );
  return local.keyRing;
}

export function sqliteFile(config: AppConfig, name: string): string {
  securePrivateDir(config.dataDir);
  return join(config.dataDir, name);
}

export function mongoDbName(config: AppConfig): string | undefined {
  const uri = config.mongodbUri;
  if (!uri) return undefined;
  const path = new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, '');
  return path || 'connection_ledger';
}
