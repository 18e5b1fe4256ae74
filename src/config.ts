import { isIP, isIPv6 } from 'node:net';
import { ConfigError } from './errors';
import { LOG_LEVELS, type LogLevel } from './log';

export const DEFAULT_CONTROLLER_NAME = 'application-networking.k8s.aws/gateway-api-controller';

/** A route waiting on Lattice asks to be synced again after 5 s; the syncs before then answer from its last pass. */
export const DEFAULT_PENDING_RECHECK_MS = 5000;

export type LatticeBackend = 'aws' | 'emulator';

export interface Config {
  /** Port of the hook server. */
  readonly port: number;
  readonly host: string;
  /** `aws`: the real Lattice (SDK endpoint resolution); `emulator`: an emulator embedded in the process. */
  readonly backend: LatticeBackend;
  /** Only when set in the environment; otherwise the SDK resolves the region itself. */
  readonly awsRegion: string | undefined;
  readonly clusterName: string;
  readonly clusterVpcId: string;
  /** When unset, STS GetCallerIdentity is called once at start. */
  readonly awsAccountId: string | undefined;
  readonly controllerName: string;
  readonly hookDeadlineMs: number;
  readonly hookAuthToken: string | undefined;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  readonly shutdownGraceMs: number;
  /** Port of the embedded emulator (backend `emulator` only). */
  readonly emulatorPort: number;
  /** Lattice quotas the model must fit (raise them together with the AWS service quotas). */
  readonly rulesPerListener: number;
  readonly listenersPerService: number;
  /** Route hooks return external-dns DNSEndpoint attachments (the DNSEndpoint CRD must exist). */
  readonly externalDnsEndpoints: boolean;
  /** Longest time an object goes without a full look at Lattice (0: look on every sync). */
  readonly driftCheckSeconds: number;
  /** The longest a converging object answers from its last full pass, within the resync that pass asked for (0: a full pass on every sync). */
  readonly pendingRecheckMs: number;
  /** The process's AWS call budget: calls per second and burst, shared by all concurrent hooks. */
  readonly apiRatePerSecond: number;
  readonly apiBurst: number;
  /** Period of the orphan collector in seconds (0: off), and the age under which nothing is collected. */
  readonly orphanSweepSeconds: number;
  readonly orphanGraceSeconds: number;
  /** Find resources by tags with the Resource Groups Tagging API (false: page through Lattice's lists instead). */
  readonly taggingApi: boolean;
  /** This replica's `host:port` as the others reach it, and theirs (DNS names resolved to every address): none, no forwarding. */
  readonly replicas: { readonly address: string; readonly peers: readonly string[] } | undefined;
}

/** Defaults that make the embedded emulator work without any AWS or cluster identity. */
export const EMULATOR_DEFAULTS = {
  awsRegion: 'us-west-2',
  clusterName: 'local',
  clusterVpcId: 'vpc-0a1b2c3d4e5f60718',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

const MiB = 1024 * 1024;

// Patterns from the APIs that consume the values: Lattice (VPC id), EKS (cluster name),
// Gateway API (GatewayController), AWS (account id, region).
const VPC_ID = /^vpc-([0-9a-z]{8}|[0-9a-z]{17})$/;
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z0-9]+)*-\d+$/;
// `host:port`, the host a DNS name (absolute with a final dot) or an IP address (IPv6 in brackets).
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?):([1-9]\d{0,4})$/;
const CONTROLLER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

function present(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function matching(env: Env, name: string, pattern: RegExp, example: string): string | undefined {
  const raw = present(env, name);
  if (raw !== undefined && !pattern.test(raw)) {
    throw new ConfigError(name, `must look like ${example}, got "${raw}"`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** `true` or `false`; `anyCase` also takes `True`, `FALSE`, … */
function boolean(env: Env, name: string, fallback: boolean, anyCase = false): boolean {
  const given = present(env, name);
  const raw = anyCase ? given?.toLowerCase() : given;
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be true or false, got "${given}"`);
  return raw === 'true';
}

/** REPLICA_ADDRESS and REPLICA_PEERS, set together (docs/operations.md, "Replicas"). */
function replicasOf(env: Env): Config['replicas'] {
  const address = present(env, 'REPLICA_ADDRESS');
  const peerList = present(env, 'REPLICA_PEERS');
  if ((address === undefined) !== (peerList === undefined))
    throw new ConfigError(
      address === undefined ? 'REPLICA_ADDRESS' : 'REPLICA_PEERS',
      'must be set together with the other REPLICA_* variable',
    );
  if (address === undefined || peerList === undefined) return undefined;
  const hostPort = (name: string, given: string) => {
    // `$(POD_IP):8080` on an IPv6 pod is an IPv6 address and a port without brackets. An IPv6
    // address is written as resolvers write it (compressed, lower case): marks compare it as text.
    const ipv6 = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)):(\d+)$/.exec(given);
    const ip = ipv6?.[1] ?? ipv6?.[2];
    const value = ip !== undefined && isIPv6(ip) ? `${new URL(`http://[${ip}]/`).hostname}:${ipv6?.[3]}` : given;
    const port = HOST_PORT.exec(value)?.[3];
    if (port === undefined || Number(port) > 65535) throw new ConfigError(name, `must be host:port, e.g. 10.0.3.7:8080, got "${given}"`);
    return value;
  };
  const peers = peerList.split(',').map((peer) => hostPort('REPLICA_PEERS', peer.trim()));
  const own = hostPort('REPLICA_ADDRESS', address);
  // Marks name it, and the other replicas compare it with the addresses their resolver gives.
  if (!isIP(own.slice(0, own.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1')))
    throw new ConfigError('REPLICA_ADDRESS', `must be an IP address and port, e.g. 10.0.3.7:8080 (the pod's IP), got "${address}"`);
  return { address: own, peers };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export interface ConfigOverrides {
  backend?: LatticeBackend;
}

/**
 * Reads the environment (docs/configuration.md lists every variable) into one frozen config. Throws a ConfigError naming the first
 * offending variable; nothing is read from disk here (files named by TLS_* are read by `serve`).
 */
export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Config {
  const backend = overrides.backend ?? oneOf<LatticeBackend>(env, 'LATTICE_BACKEND', ['aws', 'emulator'], 'aws');
  const onAws = backend === 'aws';

  const awsRegion = matching(env, 'AWS_REGION', REGION, 'us-west-2') ?? (onAws ? undefined : EMULATOR_DEFAULTS.awsRegion);
  const clusterName =
    matching(env, 'CLUSTER_NAME', CLUSTER_NAME, 'my-cluster (letters, digits, - and _, at most 100)') ??
    (onAws ? undefined : EMULATOR_DEFAULTS.clusterName);
  if (clusterName === undefined) {
    throw new ConfigError('CLUSTER_NAME', 'is required with LATTICE_BACKEND=aws (it goes into the ManagedBy tag)');
  }
  const clusterVpcId =
    matching(env, 'CLUSTER_VPC_ID', VPC_ID, 'vpc-0123456789abcdef0') ?? (onAws ? undefined : EMULATOR_DEFAULTS.clusterVpcId);
  if (clusterVpcId === undefined) {
    throw new ConfigError('CLUSTER_VPC_ID', 'is required with LATTICE_BACKEND=aws (the VPC of the cluster)');
  }

  const hookAuthToken = present(env, 'HOOK_AUTH_TOKEN');
  if (hookAuthToken !== undefined && (hookAuthToken.length < 16 || /\s/.test(hookAuthToken))) {
    throw new ConfigError('HOOK_AUTH_TOKEN', 'must be at least 16 characters without whitespace');
  }

  const certFile = present(env, 'TLS_CERT_FILE');
  const keyFile = present(env, 'TLS_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE', 'must be set together with the other TLS_* file');
  }

  const controllerName = matching(env, 'CONTROLLER_NAME', CONTROLLER_NAME, 'example.com/controller') ?? DEFAULT_CONTROLLER_NAME;
  if (controllerName.length > 253) throw new ConfigError('CONTROLLER_NAME', 'must be at most 253 characters');

  return deepFreeze<Config>({
    port: integer(env, 'PORT', 8080, 0, 65535),
    // Against the emulator the server is a local tool: it stays on loopback unless told otherwise.
    host: present(env, 'HOST') ?? (onAws ? '0.0.0.0' : '127.0.0.1'),
    backend,
    awsRegion,
    clusterName,
    clusterVpcId,
    awsAccountId: matching(env, 'AWS_ACCOUNT_ID', ACCOUNT_ID, '123456789012 (12 digits)'),
    controllerName,
    hookDeadlineMs: integer(env, 'HOOK_DEADLINE_MS', 8000, 500, 120000),
    hookAuthToken,
    tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined,
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    // At most 256 MiB: a body becomes one string, and V8's strings hold at most 2^29 - 24 characters.
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 16 * MiB, MiB, 256 * MiB),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25000, 0, 600000),
    emulatorPort: integer(env, 'EMULATOR_PORT', 8181, 0, 65535),
    rulesPerListener: integer(env, 'LATTICE_RULES_PER_LISTENER', 10, 1, 1999),
    listenersPerService: integer(env, 'LATTICE_LISTENERS_PER_SERVICE', 2, 1, 100),
    externalDnsEndpoints: boolean(env, 'EXTERNAL_DNS_ENDPOINTS', false),
    driftCheckSeconds: integer(env, 'DRIFT_CHECK_SECONDS', 600, 0, 86400),
    pendingRecheckMs: integer(env, 'PENDING_RECHECK_MS', DEFAULT_PENDING_RECHECK_MS, 0, 60000),
    // Lattice publishes no per-API rate: stay well under what an account's other tools leave free.
    // The embedded emulator is local and unthrottled unless told otherwise.
    apiRatePerSecond: integer(env, 'LATTICE_API_RPS', onAws ? 10 : 1000, 1, 10000),
    apiBurst: integer(env, 'LATTICE_API_BURST', onAws ? 20 : 1000, 1, 10000),
    orphanSweepSeconds: integer(env, 'ORPHAN_SWEEP_SECONDS', 3600, 0, 604800),
    orphanGraceSeconds: integer(env, 'ORPHAN_GRACE_SECONDS', 600, 0, 86400),
    // The AWS Go controller's variable, read in any case as it reads it (`True` carries over).
    taggingApi: !boolean(env, 'DISABLE_TAGGING_SERVICE_API', false, true),
    replicas: replicasOf(env),
  });
}
