/**
 * The Standard Schema v1 interface (https://standardschema.dev), as types
 * only. zod, valibot, arktype and other validators put a `~standard`
 * property on their schemas; rxzmq reads nothing else, so it depends on no
 * validator package. Written from the published spec; any object of this
 * shape works, including a hand-written one.
 *
 * ## Example
 * ```ts
 * import type { StandardSchemaV1 } from 'rxzmq/rpc';
 *
 * // A hand-written schema: a pair of numbers.
 * const pair: StandardSchemaV1<unknown, [number, number]> = {
 *   '~standard': {
 *     version: 1,
 *     vendor: 'example',
 *     validate: (value) =>
 *       Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number')
 *         ? { value: value as [number, number] }
 *         : { issues: [{ message: 'expected two numbers' }] },
 *   },
 * };
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The standard's properties, under a key no validator uses for anything else. */
  readonly '~standard': StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  /** What a schema offers under `~standard`. */
  interface Props<Input = unknown, Output = Input> {
    /** The version of the standard; always 1. */
    readonly version: 1;
    /** The validator library's name (`'zod'`, `'valibot'`, ...). */
    readonly vendor: string;
    /**
     * Checks an unknown value. Never throws for a bad value: it returns the
     * issues instead. May answer synchronously or with a Promise.
     */
    readonly validate: (value: unknown, options?: Options) => Result<Output> | Promise<Result<Output>>;
    /** Carries the input and output types for inference; absent at run time. */
    readonly types?: Types<Input, Output> | undefined;
  }

  /** Options a caller may hand to `validate`. */
  interface Options {
    /** Options specific to the validator library. */
    readonly libraryOptions?: Readonly<Record<string, unknown>> | undefined;
  }

  /** The outcome of `validate`: the (possibly transformed) value, or the issues. */
  type Result<Output> = SuccessResult<Output> | FailureResult;

  /** A value that passed. */
  interface SuccessResult<Output> {
    /** The validated value, transformed if the schema transforms. */
    readonly value: Output;
    /** Absent when the value passed. */
    readonly issues?: undefined;
  }

  /** A value that failed. */
  interface FailureResult {
    /** What is wrong with it, at least one issue. */
    readonly issues: ReadonlyArray<Issue>;
  }

  /** One thing wrong with a value. */
  interface Issue {
    /** The validator's message. */
    readonly message: string;
    /** Where in the value: keys, or segments holding a key. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }

  /** A path segment given as an object. */
  interface PathSegment {
    /** The key of this segment. */
    readonly key: PropertyKey;
  }

  /** The types a schema carries. */
  interface Types<Input = unknown, Output = Input> {
    /** What the schema accepts. */
    readonly input: Input;
    /** What it produces. */
    readonly output: Output;
  }

  /** The input type of a schema. */
  type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['input'];

  /** The output type of a schema. */
  type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['output'];
}
