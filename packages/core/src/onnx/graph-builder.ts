/**
 * A small builder for ONNX graphs: nodes, initializers and typed inputs/outputs, encoded with
 * `onnx-proto` (protobufjs code generated from ONNX's own onnx.proto). Family-agnostic: a model's
 * exporter (e.g. `models/bert-onnx.ts`) says what to build, this says how ONNX spells it.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX element types used here (TensorProto.DataType). */
export const ONNX_FLOAT = onnx.TensorProto.DataType.FLOAT;
export const ONNX_INT64 = onnx.TensorProto.DataType.INT64;
export const ONNX_INT32 = onnx.TensorProto.DataType.INT32;
type OnnxElementType = typeof ONNX_FLOAT | typeof ONNX_INT64 | typeof ONNX_INT32;

/** A dimension: a fixed size, or a name for a size chosen at run time (batch, sequence). */
type OnnxDim = number | string;

type OnnxAttribute = number | number[] | string | { floats: number[] } | { float: number };

interface OnnxModelOptions {
  /** Operator set of the default domain. */
  opset: number;
  /** Extra operator sets, e.g. { 'com.microsoft': 1 } for ONNX Runtime's contrib ops. */
  extraOpsets?: Record<string, number>;
  producerName: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/** IR version 8 is the one that goes with opset 17 (ONNX 1.12); runtimes read newer opsets with it too. */
const IR_VERSION = 8;

export class OnnxGraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh value name starting with `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  input(name: string, elementType: OnnxElementType, dims: OnnxDim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elementType, dims));
    return name;
  }

  /** Marks an existing value as a graph output. */
  output(name: string, elementType: OnnxElementType, dims: OnnxDim[]): void {
    this.outputs.push(valueInfo(name, elementType, dims));
  }

  /** A float32 constant tensor stored in the model (weights). */
  floatInitializer(name: string, dims: readonly number[], values: Float32Array): string {
    if (values.length !== dims.reduce((a, b) => a * b, 1)) {
      throw new Error(`initializer ${name}: ${values.length} values do not fill shape [${dims.join(', ')}]`);
    }
    this.claim(name);
    // raw_data is little-endian, as are typed arrays on every platform Node and browsers run on.
    const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: ONNX_FLOAT, rawData }));
    return name;
  }

  int64Initializer(hint: string, dims: readonly number[], values: readonly number[]): string {
    const name = this.fresh(hint);
    const rawData = new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: ONNX_INT64, rawData }));
    return name;
  }

  /** A scalar (dims []) or vector float constant; asking twice for the same one gives the same value name. */
  floatConstant(hint: string, values: number | number[]): string {
    const key = `${hint}=${JSON.stringify(values)}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh(hint);
    this.constants.set(key, name);
    const array = Float32Array.from(Array.isArray(values) ? values : [values]);
    const rawData = new Uint8Array(array.buffer);
    this.initializers.push(onnx.TensorProto.create({ name, dims: Array.isArray(values) ? [values.length] : [], dataType: ONNX_FLOAT, rawData }));
    return name;
  }

  /**
   * Adds a node and returns the names of its outputs. `outputs` are hints (made unique) or, when
   * `exactOutputs` is set, the exact names (graph outputs).
   */
  node(
    opType: string,
    inputs: string[],
    options: { outputs?: string[]; exactOutputs?: string[]; attributes?: Record<string, OnnxAttribute>; domain?: string } = {},
  ): string[] {
    const outputs = options.exactOutputs
      ? options.exactOutputs.map((name) => this.claim(name))
      : (options.outputs ?? [opType.toLowerCase()]).map((hint) => this.fresh(hint));
    const attribute = Object.entries(options.attributes ?? {}).map(([name, value]) => attributeProto(name, value));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: inputs,
        output: outputs,
        name: this.fresh(`${opType}_node`),
        attribute,
        domain: options.domain ?? '',
      }),
    );
    return outputs;
  }

  /** Single-output shorthand for `node`. */
  op(opType: string, inputs: string[], attributes?: Record<string, OnnxAttribute>, hint?: string): string {
    return this.node(opType, inputs, { attributes, outputs: [hint ?? opType.toLowerCase()] })[0];
  }

  /** The serialised ModelProto. */
  encode(options: OnnxModelOptions): Uint8Array {
    const opsetImport = [
      { domain: '', version: options.opset },
      ...Object.entries(options.extraOpsets ?? {}).map(([domain, version]) => ({ domain, version })),
    ];
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport,
      producerName: options.producerName,
      docString: options.docString ?? '',
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: onnx.GraphProto.create({
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`ONNX graph ${this.name}: the value name "${name}" is used twice`);
    this.used.add(name);
    return name;
  }
}

function valueInfo(name: string, elemType: OnnxElementType, dims: OnnxDim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function attributeProto(name: string, value: OnnxAttribute) {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (use { float } for floats)`);
    return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
  }
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: value });
  if ('float' in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
  return onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: value.floats });
}
