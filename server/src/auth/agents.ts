import { randomBytes, randomUUID } from 'node:crypto';
import type { AgentRole } from '@support-chat/shared';
import { LIMITS } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import type { AgentRecord, Store } from '../store/types.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.js';

/** A new agent's capacity, unless given, is the routing settings' `defaultCapacity` (the admin's choice). */
export async function createAgent(
  store: Store,
  {
    email,
    password,
    name,
    role,
    capacity,
  }: { email: string; password: string; name: string; role: AgentRole; capacity?: number },
): Promise<AgentRecord> {
  const normalised = email.trim().toLowerCase();
  if (password.length < LIMITS.passwordMinChars) {
    throw new ChatError('invalid_payload', `The password must be at least ${LIMITS.passwordMinChars} characters.`);
  }
  if (await store.findAgentByEmail(normalised)) {
    throw new ChatError('conflict', `An agent with the email ${normalised} already exists.`);
  }
  const agent: AgentRecord = {
    id: randomUUID(),
    email: normalised,
    name: name.trim().slice(0, LIMITS.nameChars) || normalised.split('@')[0]!,
    role,
    passwordHash: await hashPassword(password),
    createdAt: Date.now(),
    capacity: capacity ?? (await store.getRoutingSettings()).defaultCapacity,
  };
  await store.createAgent(agent);
  return agent;
}

/**
 * An admin's change to an agent (name, role, capacity, password). The last active admin stays an
 * admin. A new password ends every session of the agent in the same write: whoever knew the old
 * one is signed out (the caller closes their sockets and, for a change to oneself, signs in again).
 */
export async function updateAgent(
  store: Store,
  id: string,
  { password, ...patch }: Partial<Pick<AgentRecord, 'name' | 'role' | 'capacity'>> & { password?: string },
): Promise<AgentRecord> {
  const target = await store.getAgent(id);
  if (!target) throw new ChatError('not_found', 'No such agent.');
  if (patch.role === 'agent' && target.role === 'admin' && !target.deactivatedAt) {
    const admins = (await store.listAgents()).filter((a) => a.role === 'admin' && !a.deactivatedAt);
    if (admins.length === 1) throw new ChatError('invalid_state', 'The last active admin cannot stop being an admin.');
  }
  const passwordHash = password ? await hashPassword(password) : undefined;
  const updated = await store.updateAgent(id, { ...patch, passwordHash }, { endSessions: passwordHash !== undefined });
  if (!updated) throw new ChatError('not_found', 'No such agent.');
  return updated;
}

/**
 * The agent can no longer sign in and their sessions end (the store deletes them in the same
 * write; the caller closes their sockets and requeues their conversations). The last active admin
 * stays.
 */
export async function deactivateAgent(store: Store, id: string, now: number): Promise<AgentRecord> {
  const agent = await store.deactivateAgent(id, now);
  if (!agent) throw new ChatError('not_found', 'No such agent.');
  return agent;
}

export async function reactivateAgent(store: Store, id: string): Promise<AgentRecord> {
  const agent = await store.reactivateAgent(id);
  if (!agent) throw new ChatError('not_found', 'No such agent.');
  return agent;
}

/**
 * The agent for these credentials, or null. Unknown emails cost the same time as wrong passwords.
 * A deactivated agent with the right password is told so (only then: the account's state is not
 * revealed to someone without its password).
 */
export async function authenticate(store: Store, email: string, password: string): Promise<AgentRecord | null> {
  const agent = await store.findAgentByEmail(email.trim().toLowerCase());
  const ok = await verifyPassword(password, agent?.passwordHash ?? (await DUMMY_HASH_PROMISE));
  if (!agent || !ok) return null;
  if (agent.deactivatedAt) throw new ChatError('forbidden', 'This account has been deactivated. Ask an admin to reactivate it.');
  return agent;
}

export type FirstAdmin =
  | { kind: 'existing' }
  | { kind: 'configured'; email: string }
  /** `createdNow`: by this start (else an earlier one made it, and its password is unchanged). */
  | { kind: 'demo'; email: string; password: string; createdNow: boolean };

/**
 * Makes sure someone can log in to the console: the admin from ADMIN_EMAIL / ADMIN_PASSWORD when
 * set, else (on an empty store) a demo admin with a random password, printed once at start.
 */
export async function ensureFirstAdmin(
  store: Store,
  configured: { email: string; password: string } | undefined,
): Promise<FirstAdmin> {
  if (configured) {
    if (!(await store.findAgentByEmail(configured.email))) {
      await createAgentOnce(store, { ...configured, name: 'Admin', role: 'admin' });
    }
    return { kind: 'configured', email: configured.email };
  }
  const demo = await demoAdminStillValid(store);
  if (demo) return demo;
  if ((await store.countAgents()) > 0) return { kind: 'existing' };
  // Kept so the demo login can be printed at every start (a demo only; a configured admin's
  // password is never stored in clear). Once the password is changed it is no longer shown.
  // Stored before the account, and read back: processes starting together all agree on the
  // password of the one account that the first of them creates.
  const password = await store.setSettingIfAbsent(DEMO_PASSWORD_SETTING, randomBytes(9).toString('base64url'));
  await createAgentOnce(store, { email: DEMO_ADMIN_EMAIL, password, name: 'Demo Admin', role: 'admin' });
  return { kind: 'demo', email: DEMO_ADMIN_EMAIL, password, createdNow: true };
}

/**
 * Several processes of one site may start at once on an empty database (issue 10): each finds no
 * admin, all try to create the same one, and the store's unique email lets one through. The others
 * must start too, not exit on the constraint: the account they wanted exists.
 */
async function createAgentOnce(store: Store, agent: Parameters<typeof createAgent>[1]): Promise<void> {
  try {
    await createAgent(store, agent);
  } catch (error) {
    if (!(await store.findAgentByEmail(agent.email.trim().toLowerCase()))) throw error;
  }
}

const DEMO_ADMIN_EMAIL = 'admin@example.com';
const DEMO_PASSWORD_SETTING = 'demo_admin_password';

async function demoAdminStillValid(store: Store): Promise<FirstAdmin | null> {
  const password = await store.getSetting(DEMO_PASSWORD_SETTING);
  const agent = password ? await store.findAgentByEmail(DEMO_ADMIN_EMAIL) : null;
  if (!password || !agent || !(await verifyPassword(password, agent.passwordHash))) return null;
  return { kind: 'demo', email: DEMO_ADMIN_EMAIL, password, createdNow: false };
}
