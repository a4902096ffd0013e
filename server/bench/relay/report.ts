/** The relay bench's results: their shape (the JSON line), the table and the goals of issue 9. */
import type { AdminTimes } from './admin-load.js';
import type { ChatRun, RateRun } from './drive.js';
import type { AnswerRun } from './offline-answers.js';
import { ratio } from './stats.js';

/** What the servers and the bench's own client spent during one measured run. */
export interface Cost {
  server_cpu_ms: number;
  server_cpu_pct: number;
  /** The services it relays through (`--nodes`: PostgreSQL, Redis), % of a core each. */
  services_cpu_pct: Record<string, number | null>;
  client_cpu_pct: number;
  /** Frames the client skipped unparsed (inbox updates to every agent, see client-parser.ts). */
  skipped_frames: number;
  /** Sockets dropped during the run (not by the bench), by namespace and reason. */
  dropped_sockets: Record<string, number>;
}

export interface Twin<T> {
  product: T & Cost;
  raw: T & Cost;
}

export type DirectionResults = { closed?: Twin<ChatRun> } & { [rate: `rate${number}`]: Twin<RateRun> };

export interface RelayResults {
  meta: {
    pairs: number;
    agents: number;
    seconds: number;
    cores: number;
    loadavg: number[];
    node: string;
    started: string;
    /** One fsync'd SQLite commit on this disk at the start and the end of the run (disk-probe.ts). */
    fsync_commit_ms?: { before: number; after: number };
    /** `--nodes N`: both sides on N processes joined by Redis (the product also on PostgreSQL). */
    nodes?: number;
  };
  visitorToAgent?: DirectionResults;
  agentToVisitor?: DirectionResults;
  offlineAnswers?: { per_s: number; p50_ms: number; p99_ms: number; runs: (AnswerRun & Cost)[] };
  idleRssKb?: {
    product: number;
    raw: number;
    runs: { visitors: number; product: number; raw: number; heap: { product: number; raw: number } }[];
  };
  seed?: {
    conversations: number;
    messages: number;
    seed_ms: number;
    chat_alone: ChatRun & Cost;
    chat_with_admin: ChatRun & Cost;
    admin: AdminTimes;
    /** The same at a fixed rate below saturation: does a report block a chat? */
    rate_alone: RateRun & Cost;
    rate_with_admin: RateRun & Cost;
    rate_admin: AdminTimes;
  };
  goals?: { goal: string; met: boolean }[];
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(0)} ms` : `${x.toFixed(2)} ms`);
/** A change in ms with its sign: +2.15 ms, −0.01 ms. */
const delta = (x: number) => `${x < 0 ? '−' : '+'}${ms(Math.abs(x))}`;
const times = (x: number | null) => (x === null ? '—' : `${x >= 10 ? x.toFixed(0) : x.toFixed(x >= 1 ? 2 : 3)}×`);
const cpu = (c: Cost) => {
  const dropped = Object.entries(c.dropped_sockets).map(([key, count]) => `${count} ${key}`);
  // A service with no process on this machine: its CPU is not known here.
  const services = Object.entries(c.services_cpu_pct).map(([label, pct]) => ` + ${label} ${pct === null ? '—' : `${pct}%`}`);
  return `CPU ${c.server_cpu_pct}%${services.join('')}${dropped.length ? `, **sockets dropped**: ${dropped.join(', ')}` : ''}`;
};
const errors = (r: ChatRun) => {
  const list = Object.entries(r.errors).map(([code, count]) => `${count} ${code}`);
  return list.length ? `, refused: ${list.join(', ')}` : '';
};

function closedCell(r: ChatRun & Cost): string {
  return `${n(r.msgs_per_s)} msg/s, p50 ${ms(r.p50_ms)}, p99 ${ms(r.p99_ms)} · ${cpu(r)}${errors(r)}`;
}

function rateCell(r: RateRun & Cost): string {
  const backlog = r.backlog ? ` **backlog** (${n(r.in_flight_at_stop)} in flight, ${n(r.msgs_per_s)} msg/s delivered)` : '';
  const lost = r.lost ? `, ${n(r.lost)} never arrived` : '';
  const stopped = r.stopped_early ? ', sending stopped early' : '';
  return `p50 ${ms(r.p50_ms)}, p99 ${ms(r.p99_ms)}${backlog}${lost}${stopped} · ${cpu(r)}${errors(r)}`;
}

export function table(results: RelayResults): string {
  const rows: string[][] = [];
  const clientBound: string[] = [];
  for (const [key, label] of [['visitorToAgent', 'visitor → agent'], ['agentToVisitor', 'agent → visitor']] as const) {
    const runs = results[key];
    if (!runs) continue;
    for (const [name, twin] of Object.entries(runs) as [string, Twin<ChatRun | RateRun>][]) {
      for (const side of ['product', 'raw'] as const) {
        // The servers and the client share 2 cores here: a client near one full core caps the run.
        if (twin[side].client_cpu_pct >= 80) clientBound.push(`${label} ${name} (${side}): bench client at ${twin[side].client_cpu_pct}% of a core`);
        const lag = (twin[side] as Partial<RateRun>).sender_lag_p99_ms;
        if (lag !== undefined && lag > 5) clientBound.push(`${label} ${name} (${side}): sender ran ${ms(lag)} late (p99)`);
      }
      if (name === 'closed') {
        const { product, raw } = twin as Twin<ChatRun>;
        rows.push([`${label}, closed loop`, closedCell(product), closedCell(raw), `**${times(ratio(product.msgs_per_s, raw.msgs_per_s))}** (p99 ${times(ratio(product.p99_ms, raw.p99_ms))})`]);
      } else {
        const { product, raw } = twin as Twin<RateRun>;
        rows.push([`${label} at a fixed ${n(product.rate)} msg/s`, rateCell(product), rateCell(raw), `p99 ${times(ratio(product.p99_ms, raw.p99_ms))}`]);
      }
    }
  }
  for (const run of results.offlineAnswers?.runs ?? []) {
    const extra = [run.unanswered ? `${run.unanswered} not found` : '', run.replaced ? `${run.replaced} visitors replaced` : ''].filter(Boolean).join(', ');
    rows.push([`offline AI answers, ${run.visitors} visitors`, `${n(run.per_s)} answers/s, p50 ${ms(run.p50_ms)}, p99 ${ms(run.p99_ms)} · ${cpu(run)}${extra ? `, ${extra}` : ''}`, '—', '—']);
  }
  for (const run of results.idleRssKb?.runs ?? []) {
    rows.push([
      `RSS per idle visitor, ${n(run.visitors)} sockets`,
      `${run.product.toFixed(1)} KB (heap ${run.heap.product.toFixed(1)} KB)`,
      `${run.raw.toFixed(1)} KB (heap ${run.heap.raw.toFixed(1)} KB)`,
      `${times(ratio(run.product, run.raw))} (heap ${times(ratio(run.heap.product, run.heap.raw))})`,
    ]);
  }
  const seed = results.seed;
  if (seed) {
    rows.push([`chat p99, seeded (${n(seed.conversations)} conv., ${n(seed.messages)} msg), alone`, closedCell(seed.chat_alone), '—', '—']);
    rows.push(['… while an admin reads reports and searches every 1.5 s', closedCell(seed.chat_with_admin), '—', `p99 ${delta(seed.chat_with_admin.p99_ms - seed.chat_alone.p99_ms)}`]);
    for (const [name, t] of Object.entries(seed.admin)) {
      rows.push([`  admin ${name} request (${t.samples}×)`, `p50 ${ms(t.p50_ms)}, max ${ms(t.max_ms)}`, '—', '—']);
    }
    rows.push([`chat, seeded, at a fixed ${n(seed.rate_alone.rate)} msg/s, alone`, rateCell(seed.rate_alone), '—', '—']);
    rows.push(['… while an admin reads reports and searches every 1.5 s', rateCell(seed.rate_with_admin), '—', `p99 ${delta(seed.rate_with_admin.p99_ms - seed.rate_alone.p99_ms)}`]);
    for (const [name, t] of Object.entries(seed.rate_admin)) {
      rows.push([`  admin ${name} request (${t.samples}×)`, `p50 ${ms(t.p50_ms)}, max ${ms(t.max_ms)}`, '—', '—']);
    }
  }
  const header = ['path', 'product', 'raw Socket.IO', 'ratio'];
  const fsync = results.meta.fsync_commit_ms;
  const lines = [
    `relay bench: ${results.meta.pairs} visitor ⇄ agent pairs (${results.meta.agents} agent sockets), ${results.meta.seconds} s per run, ~200-byte messages, Node ${results.meta.node}, ${results.meta.cores} cores, load ${results.meta.loadavg.map((l) => l.toFixed(1)).join(' ')}`,
    ...(results.meta.nodes
      ? [`${results.meta.nodes} processes each: the product on PostgreSQL + Redis (visitors on the first, agents on the last), raw Socket.IO with the same Redis adapter`]
      : []),
    ...(fsync && !results.meta.nodes ? [`one fsync'd SQLite commit on this disk: ${ms(fsync.before)} at the start, ${ms(fsync.after)} at the end (the product waits for it, the raw relay does not)`] : []),
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    'Goals of issue 9 (ratios in this run):',
    ...(results.goals ?? []).map((g) => `  ${g.met ? 'met    ' : 'NOT met'}  ${g.goal}`),
  ];
  if (clientBound.length) lines.push('', 'Caution, the bench itself was busy (figures understate the server):', ...clientBound.map((c) => `  ${c}`));
  return lines.join('\n');
}

/** The goals of issue 9, for whatever this run measured. */
export function goals(results: RelayResults): { goal: string; met: boolean }[] {
  const list: { goal: string; met: boolean }[] = [];
  const v2a = results.visitorToAgent;
  const a2v = results.agentToVisitor;
  if (v2a?.closed) {
    const r = ratio(v2a.closed.product.msgs_per_s, v2a.closed.raw.msgs_per_s) ?? 0;
    list.push({ goal: `visitor → agent closed-loop throughput ≥ 0.5× raw (${times(r)})`, met: r >= 0.5 });
  }
  const at2000 = v2a?.rate2000;
  if (at2000) {
    const r = ratio(at2000.product.p99_ms, at2000.raw.p99_ms) ?? Infinity;
    list.push({ goal: `visitor → agent at 2,000 msg/s: p99 ≤ 5× raw (${times(r)}) and no backlog (${at2000.product.backlog ? 'backlog' : 'none'})`, met: r <= 5 && !at2000.product.backlog });
  }
  if (a2v?.closed) {
    const r = ratio(a2v.closed.product.msgs_per_s, a2v.closed.raw.msgs_per_s) ?? 0;
    list.push({ goal: `agent → visitor closed-loop throughput ≥ 0.6× raw (${times(r)})`, met: r >= 0.6 });
  }
  if (results.offlineAnswers) {
    const best = Math.max(...results.offlineAnswers.runs.map((r) => r.per_s));
    list.push({ goal: `offline answers ≥ 3,000/s (best ${n(best)}/s)`, met: best >= 3000 });
  }
  if (results.idleRssKb) {
    const r = ratio(results.idleRssKb.product, results.idleRssKb.raw) ?? Infinity;
    list.push({ goal: `RSS per idle visitor ≤ 1.5× raw (${times(r)})`, met: r <= 1.5 });
  }
  if (results.seed) {
    // Judged at the busy site's steady rate: at a closed loop the CPUs are saturated and any work
    // at all (even a report on another thread) lengthens the queue; both are printed above.
    const { rate_admin: admin, rate_alone: alone, rate_with_admin: busy, chat_alone: closedAlone, chat_with_admin: closedBusy } = results.seed;
    list.push({
      goal: `reports over ${n(results.seed.messages)} messages under 50 ms while chats run at ${n(alone.rate)} msg/s (p50 ${ms(admin.reports.p50_ms)}, max ${ms(admin.reports.max_ms)})`,
      met: admin.reports.max_ms < 50,
    });
    const added = busy.p99_ms - alone.p99_ms;
    list.push({
      goal: `reports and search add ≤ 5 ms to a chat's p99 at ${n(alone.rate)} msg/s (${delta(added)}; at a closed loop ${delta(closedBusy.p99_ms - closedAlone.p99_ms)})`,
      met: added <= 5,
    });
  }
  return list;
}
