/**
 * One connection to systemd's private D-Bus socket: authenticated as this process's uid
 * (EXTERNAL), then batches of calls, one batch at a time, each answered by serial. It
 * stays open for as long as its owner keeps it (unit-watch.ts keeps one, subscribed to
 * systemd's signals) or serves one batch (systemd-bus.ts). It never keeps the process alive.
 */
import { connect, type Socket } from 'node:net';
import { decodeMessage, ERROR, type Message, METHOD_RETURN, messageLength } from './dbus-wire.js';

export const SIGNAL = 4;

/** systemd accepted the connection and then said nothing in time. */
export class BusTimeout extends Error {}

/** A call's answer: its value, or `failed` when systemd answered with an error (e.g. a property this unit type lacks). */
export interface Reply {
  failed: boolean;
  value: unknown;
}

interface Batch {
  replies: Reply[];
  left: number;
  resolve(replies: Reply[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class BusConnection {
  private batch: Batch | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly onSignal: (message: Message) => void,
  ) {}

  /** Connects and authenticates; `onSignal` hears every signal systemd sends on it. */
  static open(socketPath: string, timeoutMs: number, onSignal: (message: Message) => void = () => {}): Promise<BusConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      socket.unref();
      const timer = setTimeout(() => fail(new BusTimeout(`systemd did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
      let head = Buffer.alloc(0);
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n');
        if (end < 0) return;
        const line = head.toString('ascii', 0, end);
        if (!line.startsWith('OK ')) return fail(new Error(`systemd refused the connection: ${line}`));
        clearTimeout(timer);
        socket.off('data', onHead).off('error', fail).off('close', onEarlyClose);
        const connection = new BusConnection(socket, onSignal);
        connection.listen(head.subarray(end + 2));
        resolve(connection);
      };
      const onEarlyClose = () => fail(new Error('systemd closed the connection before answering'));
      socket.on('connect', () => {
        const uid = String(process.getuid?.() ?? 0);
        // BEGIN goes with AUTH, as sd-bus's own clients pipeline it, so that no call ever shares a read with
        // BEGIN: systemd 252 leaves a lone call that came in the same read as BEGIN unanswered until more
        // bytes arrive (seen: 40 connections of 40 when BEGIN and one Subscribe were written together).
        socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid, 'ascii').toString('hex')}\r\nBEGIN\r\n`);
      });
      socket.on('data', onHead).on('error', fail).on('close', onEarlyClose);
    });
  }

  /** Whether the connection broke (then every later ask rejects: open a new one). */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Sends `request` (`count` calls with serials 1..count, as one write) once the batch before it is
   * answered, and resolves with the replies in serial order. A batch not answered within `timeoutMs`
   * rejects with BusTimeout and breaks the connection.
   */
  ask(request: Buffer, count: number, timeoutMs: number): Promise<Reply[]> {
    const answer = this.queue.then(() => this.send(request, count, timeoutMs));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  close(): void {
    this.breakWith(new Error('the connection to systemd was closed'));
  }

  private send(request: Buffer, count: number, timeoutMs: number): Promise<Reply[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (count === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.breakWith(new BusTimeout(`systemd did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
      this.batch = { replies: new Array(count), left: count, resolve, reject, timer };
      this.socket.write(request);
    });
  }

  private listen(rest: Buffer): void {
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (error) => this.breakWith(error));
    this.socket.on('close', () => this.breakWith(new Error('systemd closed the connection')));
    if (rest.length > 0) this.read(rest);
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      for (let length = messageLength(this.buffer); length !== null && this.buffer.length >= length; length = messageLength(this.buffer)) {
        const message = decodeMessage(this.buffer.subarray(0, length));
        this.buffer = this.buffer.subarray(length);
        if (message.type === SIGNAL) this.onSignal(message);
        else this.reply(message);
      }
    } catch (error) {
      this.breakWith(error as Error);
    }
  }

  private reply(message: Message): void {
    const batch = this.batch;
    const index = (message.replySerial ?? 0) - 1;
    if (!batch || index < 0 || index >= batch.replies.length || (message.type !== METHOD_RETURN && message.type !== ERROR)) return;
    batch.replies[index] = { failed: message.type === ERROR, value: message.body[0] };
    if (--batch.left > 0) return;
    clearTimeout(batch.timer);
    this.batch = undefined;
    batch.resolve(batch.replies);
  }

  private breakWith(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.socket.destroy();
    const batch = this.batch;
    this.batch = undefined;
    if (batch) {
      clearTimeout(batch.timer);
      batch.reject(error);
    }
    // Heard as a change: whoever caches what this connection said must ask again.
    this.onSignal({ type: SIGNAL, serial: 0, body: [], member: 'Disconnected' });
  }
}
