import { map, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Message } from '../src';

/** A TestScheduler comparing with Jest's deep equality. */
export const testScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Shows a multipart message as its frames' text joined by `|`, to keep diagrams readable. */
export const text = (): OperatorFunction<Message, string> => map((msg) => msg.map((frame) => frame.toString()).join('|'));

/** An error as `name: message`, for comparing errors in diagrams. */
export const described = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
