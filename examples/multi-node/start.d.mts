/** Types of start.mjs (plain JavaScript so that an operator runs it with Node alone). */
import type { ChildProcess } from 'node:child_process';

export const REPO_ROOT: string;
export const SERVER_MAIN: string;
export const NGINX_TEMPLATE: string;
export const DEFAULT_NGINX: string;

export interface MultiNodeOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Where nginx listens on 127.0.0.1; 0 or absent: a free port. */
  listenPort?: number;
  /** The three processes' ports (0: a free one); default 3001, 3002, 3003. */
  nodePorts?: number[];
  /** The nginx binary; default: findNginx(). */
  nginx?: string;
  /** More variables for the three processes (LOG_LEVEL, ADMIN_EMAIL, REDIS_PREFIX…). */
  env?: Record<string, string>;
  /** Every line the children print, labelled; default: this process's stdout. */
  onOutput?: (line: string) => void;
  /** Keep nginx's temporary prefix after stop() (for reading its logs). */
  keepDir?: boolean;
}

export interface MultiNode {
  /** nginx: the only address clients use. */
  url: string;
  /** The processes behind it, directly. */
  nodes: string[];
  /** nginx's private prefix: nginx.conf, support-chat.conf, error.log, access.log. */
  dir: string;
  processes: { label: string; child: ChildProcess }[];
  /** nginx stops, then the three processes get SIGTERM (and drain); the prefix is removed. */
  stop(): Promise<void>;
}

export function findNginx(preferred?: string): string | null;
export function freePort(): Promise<number>;
export function renderSiteConfig(options: { listen: string; nodes: string[] }): string;
export function startMultiNode(options: MultiNodeOptions): Promise<MultiNode>;
