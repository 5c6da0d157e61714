import { msgpackCodec, type Codec, type MsgpackExtension } from '../operators';
import { createPacker, type AiozmqPacker, type TranslationTable } from './aiozmq';

/** The msgpack extension types of a translation table, for rxzmq's own protocol. */
function extensionsOf(table: TranslationTable): MsgpackExtension[] {
  return Object.entries(table).map(([code, translator]) => ({
    type: Number(code),
    test: (value: unknown) => value instanceof translator.Class,
    encode: (value: unknown) => translator.pack(value as never),
    decode: (data: Uint8Array) => translator.unpack(data),
  }));
}

/** The values codec of a protocol, with the user's translation table. */
export function valuesCodec(table: TranslationTable = {}): Codec {
  return msgpackCodec({ extensions: extensionsOf(table) });
}

/** The aiozmq packer with the user's translation table. */
export function aiozmqValues(table: TranslationTable = {}): AiozmqPacker {
  return createPacker({ translationTable: table });
}
