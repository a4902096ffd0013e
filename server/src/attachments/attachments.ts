/**
 * Files in conversations (issue 13), both ways: the visitor's from the widget, an agent's from
 * the console. One upload is one message: the file is staged, its type found from its bytes,
 * committed (durable) to the storage, recorded in the store, and only then is the message that
 * carries it appended, so no one is ever shown a file that is not there.
 *
 * A retry is harmless: the attachment's id is derived from the conversation, the sender and the
 * client id, so a second upload of the same message finds the first (stored whole before its
 * record existed) and appends, or finds, the one message.
 */
import { createHash } from 'node:crypto';
import type { Attachment, AttachmentType, ChatMessage, Locale, VisitorContext } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Actor, Clock, ConversationService } from '../conversations/service.js';
import type { AttachmentRecord, ConversationRecord, Store } from '../store/types.js';
import { cleanFileName } from './file-name.js';
import { formatBytes } from './file-storage.js';
import { sniffAttachmentType } from './sniff.js';
import type { AttachmentStorage } from './storage.js';

export interface AttachmentSettings {
  /** Largest file accepted (ATTACHMENT_MAX_BYTES). */
  maxBytes: number;
  /** Most files in one conversation (ATTACHMENTS_PER_CONVERSATION). */
  perConversation: number;
  /** The types accepted (ATTACHMENT_TYPES, a subset of the shared allow-list). */
  types: readonly AttachmentType[];
}

export interface Upload {
  source: AsyncIterable<Uint8Array>;
  /** What the client called the file (decoded), only ever shown, cleaned. */
  name: string | undefined;
  clientId: string;
  /** The size the client announced (Content-Length), refused early when over the limit. */
  declaredSize?: number;
}

/** A stored file ready to send: who may read it was checked. */
export interface ServedAttachment {
  record: AttachmentRecord;
  read: () => NodeJS.ReadableStream;
  size: number;
}

/**
 * How long a staged upload may sit unwritten before it counts as abandoned. An upload writes its
 * file chunk after chunk and Node's HTTP server ends a request after 5 minutes, so an hour
 * leaves only files whose process was killed (or crashed) mid-upload.
 */
export const ABANDONED_UPLOAD_MS = 60 * 60 * 1000;

export class Attachments {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      store: Store;
      storage: AttachmentStorage;
      conversations: ConversationService;
      clock: Clock;
      logger: Logger;
      settings: AttachmentSettings;
    },
  ) {}

  get settings(): AttachmentSettings {
    return this.deps.settings;
  }

  /**
   * The visitor's file, into their open conversation (opened for it when there is none). Returns
   * the message and the conversation as the append left it; `created` false for a retry.
   */
  async fromVisitor(
    visitorId: string,
    upload: Upload,
    options: { locale: Locale; context?: VisitorContext; admit?: () => Promise<void> },
  ): Promise<{ message: ChatMessage; conversation: ConversationRecord; created: boolean }> {
    this.checkDeclaredSize(upload);
    const { conversations } = this.deps;
    const conversation = await conversations.openConversationFor(visitorId, options);
    const attachment = await this.receive(conversation.id, visitorId, upload);
    return conversations.append(conversation, { senderId: visitorId, author: 'visitor', kind: 'text', text: attachment.name, clientId: upload.clientId, attachment });
  }

  /** An agent's file, into a conversation they handle (the same rule as their replies). */
  async fromAgent(agent: Actor, conversationId: string, upload: Upload): Promise<ChatMessage> {
    this.checkDeclaredSize(upload);
    const { conversations } = this.deps;
    const conversation = await conversations.getConversation(conversationId);
    // A resend after a lost answer, once the conversation moved on (closed, requeued): the file
    // was delivered, and the stored message is the answer (as for a text reply).
    const sent = await this.deps.store.findSentMessage(conversation.id, agent.id, upload.clientId);
    if (sent) return sent;
    conversations.assertCanReply(conversation, agent);
    const attachment = await this.receive(conversation.id, agent.id, upload);
    return conversations.postAgentMessage(agent, { conversationId, clientId: upload.clientId, text: attachment.name, attachment });
  }

  /** The file for the visitor, only from their own conversations (anything else: not found). */
  async forVisitor(visitorId: string, id: string): Promise<ServedAttachment> {
    const record = await this.deps.store.getAttachment(id);
    const conversation = record && (await this.deps.store.getConversation(record.conversationId));
    if (!record || conversation?.visitorId !== visitorId) throw notFound();
    return this.serve(record);
  }

  /** The file for any agent of the team: agents read every conversation's transcript. */
  async forAgent(id: string): Promise<ServedAttachment> {
    const record = await this.deps.store.getAttachment(id);
    if (!record) throw notFound();
    return this.serve(record);
  }

  /**
   * Sweeps the uploads that a killed process left staged, now and then every `ABANDONED_UPLOAD_MS`
   * (with several processes, each sweeps the shared directory: deleting twice is harmless).
   */
  start(): void {
    const sweep = () => {
      // Wall time, as the files' modification times are (not the injectable clock).
      this.deps.storage.sweepStaging(Date.now() - ABANDONED_UPLOAD_MS).then(
        (removed) => {
          if (removed > 0) this.deps.logger.info({ removed }, 'attachments: deleted uploads abandoned mid-way');
        },
        (error: unknown) => this.deps.logger.error({ err: error }, 'attachments: sweeping abandoned uploads failed'),
      );
    };
    sweep();
    this.sweepTimer ??= setInterval(sweep, ABANDONED_UPLOAD_MS);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Deletes erased conversations' files (their rows are gone already). A failure is logged: the rows no longer point at them. */
  async removeFiles(keys: readonly string[]): Promise<number> {
    let removed = 0;
    for (const key of keys) {
      try {
        await this.deps.storage.remove(key);
        removed++;
      } catch (error) {
        this.deps.logger.error({ err: error, key }, 'deleting an erased attachment failed');
      }
    }
    return removed;
  }

  private checkDeclaredSize(upload: Upload): void {
    if (upload.declaredSize !== undefined && upload.declaredSize > this.deps.settings.maxBytes) {
      throw new ChatError('too_large', `The file is larger than ${formatBytes(this.deps.settings.maxBytes)}.`);
    }
  }

  /** Stores the upload (or finds it stored by an earlier try) and returns what the message carries. */
  private async receive(conversationId: string, senderId: string, upload: Upload): Promise<Attachment> {
    const { store, storage, clock, settings } = this.deps;
    const id = attachmentId(conversationId, senderId, upload.clientId);
    const earlier = await store.getAttachment(id);
    if (earlier) return toAttachment(earlier);
    if ((await store.countAttachments(conversationId)) >= settings.perConversation) {
      throw new ChatError('too_many', `A conversation holds at most ${settings.perConversation} files.`);
    }
    const staged = await storage.stage(upload.source, { maxBytes: settings.maxBytes });
    let record: AttachmentRecord;
    try {
      if (staged.size === 0) throw new ChatError('invalid_payload', 'The file is empty.');
      const type = await sniffAttachmentType(() => staged.read(), settings.types);
      if (!type) throw new ChatError('unsupported_type', 'This type of file cannot be sent: send a picture, a PDF, a text file or an office document.');
      record = {
        id,
        conversationId,
        storageKey: id,
        name: cleanFileName(upload.name, type),
        contentType: type,
        size: staged.size,
        uploadedBy: senderId,
        createdAt: clock.now(),
      };
      await staged.commit(record.storageKey);
    } catch (error) {
      await staged.discard();
      throw error;
    }
    let recorded: boolean;
    try {
      // Counted again as it is recorded: the check above let uploads at once all pass (a probe
      // stored 80 files in a conversation that holds 50).
      recorded = await store.createAttachment(record, { atMost: settings.perConversation });
    } catch (error) {
      // The same upload twice at once: the other one recorded it (same id, same bytes).
      const other = await store.getAttachment(id).catch(() => null);
      if (!other) throw error;
      return toAttachment(other);
    }
    if (!recorded) {
      const other = await store.getAttachment(id);
      if (other) return toAttachment(other);
      await storage.remove(record.storageKey);
      throw new ChatError('too_many', `A conversation holds at most ${settings.perConversation} files.`);
    }
    return toAttachment(record);
  }

  private async serve(record: AttachmentRecord): Promise<ServedAttachment> {
    const file = await this.deps.storage.open(record.storageKey);
    if (!file) throw notFound();
    return { record, read: () => file.read(), size: file.size };
  }
}

/** Derived, so a retried upload of one message finds the first; unguessable, as conversation ids are. */
function attachmentId(conversationId: string, senderId: string, clientId: string): string {
  return createHash('sha256').update(`attachment:${conversationId}:${senderId}:${clientId}`).digest('base64url').slice(0, 32);
}

function toAttachment(record: AttachmentRecord): Attachment {
  return { id: record.id, name: record.name, contentType: record.contentType, size: record.size };
}

function notFound(): ChatError {
  return new ChatError('not_found', 'No such file (or it is not yours to see).');
}
