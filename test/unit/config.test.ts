import { loadConfig, DEFAULT_CONTROLLER_NAME, EMULATOR_DEFAULTS } from '../../src/config';
import { ConfigError } from '../../src/errors';

const AWS_ENV = { CLUSTER_NAME: 'prod-east', CLUSTER_VPC_ID: 'vpc-0123456789abcdef0' };

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults on AWS', () => {
    const config = loadConfig(AWS_ENV);
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      backend: 'aws',
      clusterName: 'prod-east',
      clusterVpcId: 'vpc-0123456789abcdef0',
      controllerName: DEFAULT_CONTROLLER_NAME,
      hookDeadlineMs: 8000,
      logLevel: 'info',
      bodyLimitBytes: 16 * 1024 * 1024,
      shutdownGraceMs: 25000,
    });
    expect(config.awsRegion).toBeUndefined();
    expect(config.awsAccountId).toBeUndefined();
    expect(config.hookAuthToken).toBeUndefined();
    expect(config.tls).toBeUndefined();
  });

  it('returns a frozen object, nested values included', () => {
    const config = loadConfig({ ...AWS_ENV, TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tls)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('needs no identity with the embedded emulator', () => {
    const config = loadConfig({ LATTICE_BACKEND: 'emulator' });
    expect(config).toMatchObject({ backend: 'emulator', ...EMULATOR_DEFAULTS });
  });

  it('lets the command line choose the backend', () => {
    expect(loadConfig({}, { backend: 'emulator' }).backend).toBe('emulator');
  });

  it.each([
    [{}, 'CLUSTER_NAME'],
    [{ CLUSTER_NAME: 'c' }, 'CLUSTER_VPC_ID'],
    [{ ...AWS_ENV, CLUSTER_VPC_ID: 'vpc-123' }, 'CLUSTER_VPC_ID'],
    [{ ...AWS_ENV, CLUSTER_NAME: 'bad name' }, 'CLUSTER_NAME'],
    [{ ...AWS_ENV, PORT: '80a' }, 'PORT'],
    [{ ...AWS_ENV, PORT: '70000' }, 'PORT'],
    [{ ...AWS_ENV, LATTICE_BACKEND: 'localstack' }, 'LATTICE_BACKEND'],
    [{ ...AWS_ENV, AWS_ACCOUNT_ID: '1234' }, 'AWS_ACCOUNT_ID'],
    [{ ...AWS_ENV, AWS_REGION: 'US_WEST' }, 'AWS_REGION'],
    [{ ...AWS_ENV, CONTROLLER_NAME: 'no-slash' }, 'CONTROLLER_NAME'],
    [{ ...AWS_ENV, HOOK_DEADLINE_MS: '10' }, 'HOOK_DEADLINE_MS'],
    [{ ...AWS_ENV, HOOK_AUTH_TOKEN: 'short' }, 'HOOK_AUTH_TOKEN'],
    [{ ...AWS_ENV, TLS_CERT_FILE: '/cert.pem' }, 'TLS_KEY_FILE'],
    [{ ...AWS_ENV, TLS_KEY_FILE: '/key.pem' }, 'TLS_CERT_FILE'],
    [{ ...AWS_ENV, LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ ...AWS_ENV, BODY_LIMIT_BYTES: '1024' }, 'BODY_LIMIT_BYTES'],
    // Above 256 MiB a body could not become one string.
    [{ ...AWS_ENV, BODY_LIMIT_BYTES: String(256 * 1024 * 1024 + 1) }, 'BODY_LIMIT_BYTES'],
    [{ ...AWS_ENV, EXTERNAL_DNS_ENDPOINTS: 'yes' }, 'EXTERNAL_DNS_ENDPOINTS'],
    [{ ...AWS_ENV, DISABLE_TAGGING_SERVICE_API: '1' }, 'DISABLE_TAGGING_SERVICE_API'],
    [{ ...AWS_ENV, REPLICA_ADDRESS: '10.0.0.1:8080' }, 'REPLICA_PEERS'],
    [{ ...AWS_ENV, REPLICA_PEERS: 'hooks-replicas:8080' }, 'REPLICA_ADDRESS'],
    [{ ...AWS_ENV, REPLICA_ADDRESS: '10.0.0.1', REPLICA_PEERS: 'hooks-replicas:8080' }, 'REPLICA_ADDRESS'],
    [{ ...AWS_ENV, REPLICA_ADDRESS: '10.0.0.1:8080', REPLICA_PEERS: 'hooks-replicas:99999' }, 'REPLICA_PEERS'],
    [{ ...AWS_ENV, REPLICA_ADDRESS: '10.0.0.1:8080', REPLICA_PEERS: 'a:80,,b:80' }, 'REPLICA_PEERS'],
    [{ ...AWS_ENV, REPLICA_ADDRESS: '10.0.0.1:8080 x', REPLICA_PEERS: 'a:80' }, 'REPLICA_ADDRESS'],
  ])('refuses %j naming %s', (env, variable) => {
    const error = failure(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.code).toBe('LGW_CONFIG_INVALID');
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('reads DISABLE_TAGGING_SERVICE_API in any case, as the AWS Go controller does', () => {
    expect(loadConfig({ ...AWS_ENV, DISABLE_TAGGING_SERVICE_API: 'True' }).taggingApi).toBe(false);
    expect(loadConfig({ ...AWS_ENV, DISABLE_TAGGING_SERVICE_API: 'FALSE' }).taggingApi).toBe(true);
    expect(loadConfig(AWS_ENV).taggingApi).toBe(true);
  });

  it('reads an IPv6 pod IP followed by the port, as `$(POD_IP):8080` gives it, as the bracketed address', () => {
    const replicas = (address: string) =>
      loadConfig({ ...AWS_ENV, REPLICA_ADDRESS: address, REPLICA_PEERS: 'hooks-replicas:8080' }).replicas;
    expect(replicas('fd00:10:244::7:8080')?.address).toBe('[fd00:10:244::7]:8080');
    expect(replicas('[fd00::7]:8080')?.address).toBe('[fd00::7]:8080');
    expect(replicas('[FD00:0:0::7]:8080')?.address).toBe('[fd00::7]:8080');
    expect(replicas('10.0.3.7:8080')?.address).toBe('10.0.3.7:8080');
    expect(() => replicas('fd00::zz:8080')).toThrow(/REPLICA_ADDRESS/);
    // Unbalanced brackets, a name (marks compare addresses as the resolver writes them).
    for (const odd of ['[fd00::7:8080', 'fd00::7]:8080', 'hooks-0.hooks:8080', '10.0.0.1.:8080'])
      expect(() => replicas(odd)).toThrow(/REPLICA_ADDRESS/);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ ...AWS_ENV, PORT: '  ', AWS_ACCOUNT_ID: '' }).port).toBe(8080);
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      ...AWS_ENV,
      PORT: '9443',
      HOST: '127.0.0.1',
      AWS_REGION: 'eu-central-1',
      AWS_ACCOUNT_ID: '123456789012',
      CONTROLLER_NAME: 'example.com/lattice',
      HOOK_DEADLINE_MS: '5000',
      HOOK_AUTH_TOKEN: 'a-long-enough-secret-token',
      TLS_CERT_FILE: '/tls/cert.pem',
      TLS_KEY_FILE: '/tls/key.pem',
      LOG_LEVEL: 'debug',
      BODY_LIMIT_BYTES: String(32 * 1024 * 1024),
      SHUTDOWN_GRACE_MS: '1000',
      EMULATOR_PORT: '0',
      LATTICE_RULES_PER_LISTENER: '20',
      LATTICE_LISTENERS_PER_SERVICE: '3',
      EXTERNAL_DNS_ENDPOINTS: 'true',
      LATTICE_API_RPS: '25',
      LATTICE_API_BURST: '50',
      DRIFT_CHECK_SECONDS: '120',
      PENDING_RECHECK_MS: '2500',
      ORPHAN_SWEEP_SECONDS: '900',
      ORPHAN_GRACE_SECONDS: '0',
      REPLICA_ADDRESS: '[fd00::7]:9443',
      REPLICA_PEERS: 'hooks-replicas.lattice-system.svc:9443, 10.0.3.8:9443',
      DISABLE_TAGGING_SERVICE_API: 'true',
    });
    expect(config).toEqual({
      port: 9443,
      host: '127.0.0.1',
      backend: 'aws',
      awsRegion: 'eu-central-1',
      clusterName: 'prod-east',
      clusterVpcId: 'vpc-0123456789abcdef0',
      awsAccountId: '123456789012',
      controllerName: 'example.com/lattice',
      hookDeadlineMs: 5000,
      hookAuthToken: 'a-long-enough-secret-token',
      tls: { certFile: '/tls/cert.pem', keyFile: '/tls/key.pem' },
      logLevel: 'debug',
      bodyLimitBytes: 32 * 1024 * 1024,
      shutdownGraceMs: 1000,
      emulatorPort: 0,
      rulesPerListener: 20,
      listenersPerService: 3,
      externalDnsEndpoints: true,
      apiRatePerSecond: 25,
      apiBurst: 50,
      driftCheckSeconds: 120,
      pendingRecheckMs: 2500,
      orphanSweepSeconds: 900,
      orphanGraceSeconds: 0,
      taggingApi: false,
      replicas: { address: '[fd00::7]:9443', peers: ['hooks-replicas.lattice-system.svc:9443', '10.0.3.8:9443'] },
    });
  });
});
