import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const toOptional = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable Arena reads, with its default. `.env.example` documents the same list;
 * `loadConfig` validates it once at boot and the process stops naming the first bad variable.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  HOST = '0.0.0.0';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(toOptional)
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_BREAKER_ERROR_PERCENT = 50;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  DB_BREAKER_VOLUME_THRESHOLD = 5;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  DB_BREAKER_WINDOW_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  DB_BREAKER_RESET_MS = 2_000;

  @IsString()
  EMBEDDED_PG_DIR = './.data/pg';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  EMBEDDED_PG_PORT = 0;

  @Transform(toOptional)
  @IsOptional()
  @IsString()
  REDIS_URL?: string;

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/)
  REDIS_PREFIX = 'arena';

  @Transform(toOptional)
  @IsOptional()
  @IsString()
  @MinLength(32)
  SESSION_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  SESSION_TTL_HOURS = 24 * 7;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  SESSION_CHECK_INTERVAL_MS = 5_000;

  @Transform(toOptional)
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(32)
  ADMIN_USERNAME?: string;

  @Transform(toOptional)
  @IsOptional()
  @IsString()
  @MinLength(12)
  ADMIN_PASSWORD?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  IDEMPOTENCY_TTL_HOURS = 24;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  IDEMPOTENCY_CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  IDEMPOTENCY_LEASE_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  THROTTLE_TTL_MS = 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  THROTTLE_IP_LIMIT = 600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  THROTTLE_USER_LIMIT = 300;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  THROTTLE_AUTH_LIMIT = 30;

  @IsString()
  CORS_ORIGINS = 'http://localhost:3000';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WS_PING_INTERVAL_MS = 25_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WS_PING_TIMEOUT_MS = 20_000;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  WS_MAX_PAYLOAD_BYTES = 64 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  WS_MAX_CONNECTIONS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  WS_SOCKET_BUFFER_BYTES = 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  WS_SOCKET_MAX_BUFFER_BYTES = 8 * 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  WS_SOCKET_BEHIND_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  ROOM_MAX_SOCKETS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  HEALTH_HEAP_LIMIT_MB = 1536;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  HEALTH_EVENT_LOOP_LAG_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  ROOM_RECONNECT_WINDOW_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  ROOM_KICK_BAN_MS = 5 * 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  ROOM_COMMIT_CONCURRENCY = 2;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  ROOM_CACHE_SIZE = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  ROOM_PRESENCE_SWEEP_MS = 15_000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  DEADLINE_SWEEP_INTERVAL_MS = 250;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  DEADLINE_SWEEP_BATCH = 200;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  DEADLINE_LEASE_MS = 5_000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  MATCH_RATING_INTERVAL_MS = 1_000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  BOT_DELAY_MS = 400;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  BOT_BRAIN_TIMEOUT_MS = 1_000;

  /** Registers the `bench` game, which only the benchmarks play. */
  @Transform(toBool)
  @IsBoolean()
  ARENA_BENCH_GAME = false;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WELCOME_GRACE_MS = 5 * 60 * 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20_000)
  CHAT_MAX_BODY = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(200)
  CHAT_WELCOME_MESSAGES = 50;

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(10_000)
  CHAT_MAX_GROUP_MEMBERS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  CHAT_COMMIT_CONCURRENCY = 2;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  REPORT_THROTTLE_LIMIT = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  REPORT_THROTTLE_TTL_MS = 10 * 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(525_600)
  KICK_DEFAULT_MINUTES = 15;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SANCTION_CACHE_MS = 2_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  POLICY_REFRESH_MS = 5_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  POLICY_COUNTER_FLUSH_MS = 5_000;
}

/** The typed, validated configuration every module reads (never `process.env`). */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl?: string;
  databasePoolSize: number;
  /** The circuit breaker on the database's connections (see src/database/database-breaker.ts). */
  databaseBreaker: { errorPercent: number; volumeThreshold: number; windowMs: number; resetMs: number };
  embeddedPg: { dir: string; port: number };
  redisUrl?: string;
  /** Starts every Redis key and channel: deployments (or test runs) sharing one Redis stay apart. */
  redisPrefix: string;
  sessionSecret: string;
  sessionTtlMs: number;
  /** How often open sockets' sessions are checked against the database (revoked, deleted, expired). */
  sessionCheckIntervalMs: number;
  admin?: { username: string; password: string };
  idempotency: { ttlMs: number; cleanupIntervalMs: number; leaseMs: number };
  throttle: { ttlMs: number; ipLimit: number; userLimit: number; authLimit: number };
  corsOrigins: string[];
  logLevel: string;
  trustProxy: boolean;
  ws: {
    pingIntervalMs: number;
    pingTimeoutMs: number;
    maxPayloadBytes: number;
    maxConnections: number;
    /** Unsent bytes past which a socket is behind: it gets fresh full views instead of every update. */
    socketBufferBytes: number;
    /** Unsent bytes past which a socket is disconnected (SLOW_CONSUMER). */
    socketMaxBufferBytes: number;
    /** How long a socket may stay behind before it is disconnected (SLOW_CONSUMER). */
    socketBehindMs: number;
  };
  shutdownGraceMs: number;
  health: { heapLimitBytes: number; eventLoopLagMs: number };
  rooms: {
    /** Sockets following one room (seats, host and spectators) across every process; past it, ROOM_CROWDED. */
    maxSockets: number;
    reconnectWindowMs: number;
    kickBanMs: number;
    commitConcurrency: number;
    /** Rooms whose state a process keeps in memory; idle ones beyond it leave, least recently used first. */
    cacheSize: number;
    /** How often seated players with no socket on any process are looked for (and dropped as a closed socket). */
    presenceSweepMs: number;
    sweepIntervalMs: number;
    sweepBatch: number;
    deadlineLeaseMs: number;
    botDelayMs: number;
    botBrainTimeoutMs: number;
    benchGame: boolean;
  };
  chat: {
    welcomeGraceMs: number;
    maxBodyChars: number;
    welcomeMessages: number;
    maxGroupMembers: number;
    commitConcurrency: number;
  };
  /** How often unrated matches are looked for (each commit that finishes a game also wakes the rater). */
  telemetry: { ratingIntervalMs: number };
  moderation: {
    reportThrottle: { limit: number; ttlMs: number };
    kickDefaultMs: number;
    sanctionCacheMs: number;
    policyRefreshMs: number;
    counterFlushMs: number;
  };
}

export class ConfigError extends Error {}

// Only used outside production, where it is never a secret worth guarding.
const DEVELOPMENT_SESSION_SECRET = 'arena-development-session-secret-not-for-production';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Unrelated variables ride along harmlessly: only EnvironmentVariables' properties are read below.
  const vars = plainToInstance(EnvironmentVariables, { ...env }, { exposeDefaultValues: true });
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    const first = errors[0];
    const reason = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigError(`Invalid configuration: ${reason} (got ${JSON.stringify(env[first.property])})`);
  }
  if (vars.NODE_ENV === 'production' && !vars.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration: SESSION_SECRET is required when NODE_ENV=production');
  }
  if ((vars.ADMIN_USERNAME === undefined) !== (vars.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration: ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  }

  return {
    env: vars.NODE_ENV,
    host: vars.HOST,
    port: vars.PORT,
    databaseUrl: vars.DATABASE_URL,
    databasePoolSize: vars.DATABASE_POOL_SIZE,
    databaseBreaker: {
      errorPercent: vars.DB_BREAKER_ERROR_PERCENT,
      volumeThreshold: vars.DB_BREAKER_VOLUME_THRESHOLD,
      windowMs: vars.DB_BREAKER_WINDOW_MS,
      resetMs: vars.DB_BREAKER_RESET_MS,
    },
    embeddedPg: { dir: vars.EMBEDDED_PG_DIR, port: vars.EMBEDDED_PG_PORT },
    redisUrl: vars.REDIS_URL,
    redisPrefix: vars.REDIS_PREFIX,
    sessionSecret: vars.SESSION_SECRET ?? DEVELOPMENT_SESSION_SECRET,
    sessionTtlMs: vars.SESSION_TTL_HOURS * 3600_000,
    sessionCheckIntervalMs: vars.SESSION_CHECK_INTERVAL_MS,
    admin:
      vars.ADMIN_USERNAME && vars.ADMIN_PASSWORD
        ? { username: vars.ADMIN_USERNAME, password: vars.ADMIN_PASSWORD }
        : undefined,
    idempotency: {
      ttlMs: vars.IDEMPOTENCY_TTL_HOURS * 3600_000,
      cleanupIntervalMs: vars.IDEMPOTENCY_CLEANUP_INTERVAL_MS,
      leaseMs: vars.IDEMPOTENCY_LEASE_MS,
    },
    throttle: {
      ttlMs: vars.THROTTLE_TTL_MS,
      ipLimit: vars.THROTTLE_IP_LIMIT,
      userLimit: vars.THROTTLE_USER_LIMIT,
      authLimit: vars.THROTTLE_AUTH_LIMIT,
    },
    corsOrigins: vars.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    logLevel: vars.LOG_LEVEL,
    trustProxy: vars.TRUST_PROXY,
    ws: {
      pingIntervalMs: vars.WS_PING_INTERVAL_MS,
      pingTimeoutMs: vars.WS_PING_TIMEOUT_MS,
      maxPayloadBytes: vars.WS_MAX_PAYLOAD_BYTES,
      maxConnections: vars.WS_MAX_CONNECTIONS,
      socketBufferBytes: vars.WS_SOCKET_BUFFER_BYTES,
      socketMaxBufferBytes: Math.max(vars.WS_SOCKET_MAX_BUFFER_BYTES, vars.WS_SOCKET_BUFFER_BYTES),
      socketBehindMs: vars.WS_SOCKET_BEHIND_MS,
    },
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
    health: { heapLimitBytes: vars.HEALTH_HEAP_LIMIT_MB * 1024 * 1024, eventLoopLagMs: vars.HEALTH_EVENT_LOOP_LAG_MS },
    rooms: {
      maxSockets: vars.ROOM_MAX_SOCKETS,
      reconnectWindowMs: vars.ROOM_RECONNECT_WINDOW_MS,
      kickBanMs: vars.ROOM_KICK_BAN_MS,
      commitConcurrency: vars.ROOM_COMMIT_CONCURRENCY,
      cacheSize: vars.ROOM_CACHE_SIZE,
      presenceSweepMs: vars.ROOM_PRESENCE_SWEEP_MS,
      sweepIntervalMs: vars.DEADLINE_SWEEP_INTERVAL_MS,
      sweepBatch: vars.DEADLINE_SWEEP_BATCH,
      deadlineLeaseMs: vars.DEADLINE_LEASE_MS,
      botDelayMs: vars.BOT_DELAY_MS,
      botBrainTimeoutMs: vars.BOT_BRAIN_TIMEOUT_MS,
      benchGame: vars.ARENA_BENCH_GAME,
    },
    chat: {
      welcomeGraceMs: vars.WELCOME_GRACE_MS,
      maxBodyChars: vars.CHAT_MAX_BODY,
      welcomeMessages: vars.CHAT_WELCOME_MESSAGES,
      maxGroupMembers: vars.CHAT_MAX_GROUP_MEMBERS,
      commitConcurrency: vars.CHAT_COMMIT_CONCURRENCY,
    },
    telemetry: { ratingIntervalMs: vars.MATCH_RATING_INTERVAL_MS },
    moderation: {
      reportThrottle: { limit: vars.REPORT_THROTTLE_LIMIT, ttlMs: vars.REPORT_THROTTLE_TTL_MS },
      kickDefaultMs: vars.KICK_DEFAULT_MINUTES * 60_000,
      sanctionCacheMs: vars.SANCTION_CACHE_MS,
      policyRefreshMs: vars.POLICY_REFRESH_MS,
      counterFlushMs: vars.POLICY_COUNTER_FLUSH_MS,
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
