import type { SocketEvent } from './types';

/** The monitor listeners of an engine socket written in TypeScript: add, emit to all, clear on close. */
export class MonitorListeners {
  private readonly listeners = new Set<(event: SocketEvent) => void>();

  /** Adds a listener; returns the function that removes it (the engine interface's `monitor`). */
  add(listener: (event: SocketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SocketEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  clear(): void {
    this.listeners.clear();
  }
}
