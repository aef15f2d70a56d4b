import { describe, expect, it } from 'vitest';
import { floatToBfloat16, floatToHalf, readSafetensors, writeSafetensors } from '../src/checkpoint/safetensors.js';

const values = Float32Array.from([0, 1, -2.5, 3.14159, 65504, 1e-5, -1e-8, 123.456]);

function withHeader(header: string, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors', () => {
  it('round-trips F32 exactly, with metadata, and aligns the data to 8 bytes', () => {
    const bytes = writeSafetensors(
      { 'a.weight': { shape: [2, 4], data: values }, 'b.bias': { shape: [1], data: Float32Array.of(7) } },
      { metadata: { format: 'pt' } },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.tensors.get('a.weight')).toEqual({ dtype: 'F32', shape: [2, 4], data: values });
    expect([...file.tensors.keys()]).toEqual(['a.weight', 'b.bias']);
  });

  it('round-trips F16 and BF16 within their precision', () => {
    for (const [dtype, relative] of [['F16', 1e-3], ['BF16', 8e-3]] as const) {
      const file = readSafetensors(writeSafetensors({ x: { shape: [8], data: values } }, { dtype }));
      const x = file.tensors.get('x')!;
      expect(x.dtype).toBe(dtype);
      x.data.forEach((v, i) => {
        if (Math.abs(values[i]) < 1e-4) expect(Math.abs(v - values[i])).toBeLessThan(1e-4);
        else expect(Math.abs(v - values[i]) / Math.abs(values[i])).toBeLessThan(relative);
      });
    }
  });

  it('decodes F16 and BF16 bytes written by hand to the IEEE values (Python struct / NumPy give the same)', () => {
    // Bit patterns → values: normal, subnormal, the largest finite, signed zero and infinities, NaN.
    const f16: Array<[number, number]> = [
      [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504], [0x0001, 5.960464477539063e-8],
      [0x03ff, 6.097555160522461e-5], [0x0400, 6.103515625e-5], [0x8000, -0], [0x7c00, Infinity], [0xfc00, -Infinity], [0x7e00, NaN],
    ];
    const bf16: Array<[number, number]> = [
      [0x3f80, 1], [0xc040, -3], [0x3eab, 0.333984375], [0x7f7f, 3.3895313892515355e38], [0x0001, 9.183549615799121e-41],
      [0x8000, -0], [0x7f80, Infinity], [0xff80, -Infinity], [0x7fc0, NaN],
    ];
    for (const [dtype, cases] of [['F16', f16], ['BF16', bf16]] as const) {
      const header = JSON.stringify({ x: { dtype, shape: [cases.length], data_offsets: [0, 2 * cases.length] } });
      const bytes = withHeader(header, 2 * cases.length);
      const dataStart = bytes.length - 2 * cases.length;
      cases.forEach(([bits], i) => new DataView(bytes.buffer).setUint16(dataStart + 2 * i, bits, true));
      const decoded = Array.from(readSafetensors(bytes).tensors.get('x')!.data);
      expect(decoded).toEqual(cases.map(([, value]) => value));
    }
  });

  it('converts half and bfloat16 bit patterns like IEEE (round to nearest even)', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToBfloat16(1)).toBe(0x3f80);
    expect(floatToBfloat16(-0.5)).toBe(0xbf00);
  });

  it('rejects a file too short for its header length', () => {
    expect(() => readSafetensors(new Uint8Array(4), 'm.safetensors')).toThrow(/m\.safetensors: file is 4 bytes/);
    const truncated = withHeader('{}').subarray(0, 9);
    expect(() => readSafetensors(truncated, 'm.safetensors')).toThrow(/header length 2 does not fit in a file of 9 bytes/);
  });

  it('rejects a header that is not JSON, or not an object', () => {
    expect(() => readSafetensors(withHeader('{"a": '), 'bad.safetensors')).toThrow(/bad\.safetensors: header is not valid JSON/);
    expect(() => readSafetensors(withHeader('[1, 2]'))).toThrow(/header must be a JSON object/);
  });

  it('rejects unknown dtypes, bad shapes and offsets outside the data', () => {
    expect(() => readSafetensors(withHeader('{"x":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}', 1))).toThrow(
      /tensor "x" has unsupported dtype "F8"/,
    );
    expect(() => readSafetensors(withHeader('{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', 4))).toThrow(
      /tensor "x" has an invalid shape \[-1\]/,
    );
    expect(() => readSafetensors(withHeader('{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', 8))).toThrow(
      /tensor "x" data_offsets \[0, 16\] lie outside the 8 data bytes/,
    );
  });

  it('rejects shape × dtype that disagrees with the byte span', () => {
    expect(() => readSafetensors(withHeader('{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', 8))).toThrow(
      /tensor "x": shape \[3\] × F32 needs 12 bytes but data_offsets span 8/,
    );
  });

  describe('validates the header as the reference implementation does', () => {
    const f32 = (offsets: [number, number], shape = [1]) => ({ dtype: 'F32', shape, data_offsets: offsets });
    const file = (header: Record<string, unknown>, dataBytes: number) => withHeader(JSON.stringify(header), dataBytes);

    it('accepts tensors that tile the data exactly, in any header order, zero-sized ones included', () => {
      const tensors = readSafetensors(file({ b: f32([4, 8]), a: f32([0, 4]), empty: f32([8, 8], [0]) }, 8), 'ok.safetensors').tensors;
      expect([...tensors.keys()]).toEqual(['b', 'a', 'empty']);
      expect(tensors.get('empty')!.data.length).toBe(0);
    });

    it('rejects two names for the same bytes, and overlapping tensors', () => {
      expect(() => readSafetensors(file({ a: f32([0, 4]), alias: f32([0, 4]) }, 4), 'm.safetensors')).toThrow(
        /m\.safetensors: tensor "(a|alias)" data_offsets \[0, 4\] overlap tensor "(a|alias)" \[0, 4\]/,
      );
      expect(() => readSafetensors(file({ a: f32([0, 8], [2]), b: f32([4, 8]) }, 8), 'm.safetensors')).toThrow(
        /tensor "b" data_offsets \[4, 8\] overlap tensor "a" \[0, 8\]/,
      );
    });

    it('rejects gaps between tensors and trailing bytes after the last', () => {
      expect(() => readSafetensors(file({ a: f32([0, 4]), b: f32([8, 12]) }, 12), 'm.safetensors')).toThrow(
        /tensor "b" data_offsets \[8, 12\] leave a gap: the bytes \[4, 8\) belong to no tensor/,
      );
      expect(() => readSafetensors(file({ a: f32([4, 8]) }, 8), 'm.safetensors')).toThrow(/leave a gap: the bytes \[0, 4\)/);
      expect(() => readSafetensors(file({ a: f32([0, 4]) }, 6), 'm.safetensors')).toThrow(
        /m\.safetensors: the tensors cover 4 of the 6 data bytes: 2 trailing bytes belong to no tensor/,
      );
    });

    it('rejects a header that is not UTF-8 or does not start with "{"', () => {
      const bytes = file({ a: f32([0, 4]) }, 4);
      bytes[10] = 0xff;
      expect(() => readSafetensors(bytes, 'm.safetensors')).toThrow(/m\.safetensors: header is not valid UTF-8/);
      expect(() => readSafetensors(withHeader(' {}'), 'm.safetensors')).toThrow(/does not start with "\{"/);
    });

    it('requires __metadata__ to map names to strings', () => {
      expect(readSafetensors(file({ __metadata__: { format: 'pt' } }, 0)).metadata).toEqual({ format: 'pt' });
      expect(() => readSafetensors(file({ __metadata__: { epoch: 3 } }, 0), 'm.safetensors')).toThrow(/"__metadata__" must map names to strings/);
      expect(() => readSafetensors(file({ __metadata__: 'pt' }, 0), 'm.safetensors')).toThrow(/"__metadata__" must map names to strings/);
      expect(() => readSafetensors(file({ __metadata__: ['pt'] }, 0), 'm.safetensors')).toThrow(/"__metadata__" must map names to strings/);
    });

    it('requires dtype to be one of the known strings (["F32"] is not "F32")', () => {
      expect(() => readSafetensors(file({ a: { ...f32([0, 4]), dtype: ['F32'] } }, 4), 'm.safetensors')).toThrow(/tensor "a" has unsupported dtype \["F32"\]/);
      expect(() => readSafetensors(file({ a: { ...f32([0, 4]), dtype: 'toString' } }, 4), 'm.safetensors')).toThrow(/unsupported dtype "toString"/);
      expect(() => readSafetensors(file({ a: null }, 0), 'm.safetensors')).toThrow(/tensor "a" must be an object/);
    });

    it('rejects offsets and shapes beyond exact integers', () => {
      expect(() => readSafetensors(file({ a: f32([0, 2 ** 60]) }, 4), 'm.safetensors')).toThrow(/invalid data_offsets/);
      expect(() => readSafetensors(file({ a: f32([0, 4], [2 ** 40, 2 ** 40]) }, 4), 'm.safetensors')).toThrow(/needs .* bytes but data_offsets span 4/);
    });
  });
});
