import { readFile } from 'node:fs/promises';
import { Client, type ClientInterceptors, Connection, type TLSConfig } from '@temporalio/client';
// Type only: the API process must not load the worker's native bridge.
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, type TemporalConfig } from './config';
import { encryptingDataConverter } from './payload-codec';

/**
 * How to reach the Temporal frontend, for the client (`Connection.connect`) and the worker
 * (`NativeConnection.connect`), which take the same address/tls/apiKey shape:
 * - plaintext by default (the embedded dev server);
 * - mTLS when a client certificate and key are configured (self-hosted or Temporal Cloud with certificates), with
 *   a private CA's certificate when the frontend's is not signed by a public root (`TEMPORAL_TLS_CA_PATH`);
 * - an API key, over TLS, for Temporal Cloud.
 */
export interface TemporalConnectionOptions {
  address: string;
  /** `false` for plaintext, `true` for TLS with the system's roots, or the certificate pair and SNI override. */
  tls: TLSConfig | boolean;
  apiKey?: string;
}

async function tlsOptions(config: TemporalConfig): Promise<TLSConfig | boolean> {
  const { tlsCertPath, tlsKeyPath } = config;
  const certificatePaths = tlsCertPath !== undefined && tlsKeyPath !== undefined ? { tlsCertPath, tlsKeyPath } : null;
  if (certificatePaths && !config.tls) {
    throw new ConfigError(['TEMPORAL_TLS=false contradicts TEMPORAL_TLS_CERT_PATH (mTLS needs TLS)']);
  }
  if (!config.tls) return false;
  const tls: TLSConfig = {};
  if (config.tlsServerName) tls.serverNameOverride = config.tlsServerName;
  if (config.tlsCaPath) tls.serverRootCACertificate = await readFile(config.tlsCaPath);
  if (certificatePaths) {
    const [crt, key] = await Promise.all([
      readFile(certificatePaths.tlsCertPath),
      readFile(certificatePaths.tlsKeyPath),
    ]);
    tls.clientCertPair = { crt, key };
  }
  return Object.keys(tls).length > 0 ? tls : true;
}

export async function temporalConnectionOptions(config: TemporalConfig): Promise<TemporalConnectionOptions> {
  const options: TemporalConnectionOptions = { address: config.address, tls: await tlsOptions(config) };
  if (config.apiKey) options.apiKey = config.apiKey;
  return options;
}

/** Options for the worker's `NativeConnection.connect`. */
export async function nativeConnectionOptions(config: TemporalConfig): Promise<NativeConnectionOptions> {
  return temporalConnectionOptions(config) satisfies Promise<NativeConnectionOptions>;
}

/**
 * A client on the configured namespace, encrypting payloads, with the given interceptors (tracing's); close it
 * with `client.connection.close()`.
 */
export async function connectClient(config: TemporalConfig, interceptors?: ClientInterceptors): Promise<Client> {
  const connection = await Connection.connect(await temporalConnectionOptions(config));
  return new Client({
    connection,
    namespace: config.namespace,
    dataConverter: encryptingDataConverter(config.payloadKeys),
    ...(interceptors ? { interceptors } : {}),
  });
}
