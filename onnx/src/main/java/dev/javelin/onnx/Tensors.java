package dev.javelin.onnx;

import com.google.protobuf.ByteString;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.StringStringEntryProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** ONNX tensors ({@code TensorProto}) to host arrays, and ONNX element types to Javelin's. */
final class Tensors {
    private Tensors() {}

    /** The ONNX element types the importer reads, by their {@code TensorProto.DataType} number. */
    static final String SUPPORTED_TYPES = "float (1), int32 (6), int64 (7), bool (9), float16 (10), double (11)";

    /** The Javelin dtype of ONNX element type {@code code}; {@code where} names the value for the error. */
    static DType dtype(int code, String where) {
        return switch (code) {
            case TensorProto.DataType.FLOAT_VALUE -> DType.F32;
            case TensorProto.DataType.DOUBLE_VALUE -> DType.F64;
            case TensorProto.DataType.FLOAT16_VALUE -> DType.F16;
            case TensorProto.DataType.INT32_VALUE -> DType.I32;
            case TensorProto.DataType.INT64_VALUE -> DType.I64;
            case TensorProto.DataType.BOOL_VALUE -> DType.BOOL;
            default ->
                throw new OnnxException(where + " has element type " + typeName(code)
                        + ", which Javelin does not import; supported: " + SUPPORTED_TYPES);
        };
    }

    /** The ONNX name of element type {@code code}, with its number. */
    static String typeName(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return (t == null ? "unknown" : t.name().toLowerCase(java.util.Locale.ROOT)) + " (" + code + ")";
    }

    /** The ONNX element type number of {@code d}. */
    static int code(DType d) {
        return switch (d) {
            case F32 -> TensorProto.DataType.FLOAT_VALUE;
            case F64 -> TensorProto.DataType.DOUBLE_VALUE;
            case F16 -> TensorProto.DataType.FLOAT16_VALUE;
            case BF16 -> TensorProto.DataType.BFLOAT16_VALUE;
            case I32 -> TensorProto.DataType.INT32_VALUE;
            case I64 -> TensorProto.DataType.INT64_VALUE;
            case BOOL -> TensorProto.DataType.BOOL_VALUE;
        };
    }

    /**
     * The contents of {@code t}: its raw little-endian bytes, its typed field, or its external file
     * (resolved against {@code modelDir}); {@code where} names the tensor in errors.
     */
    static NdArray read(TensorProto t, Path modelDir, String where) {
        DType d = dtype(t.getDataType(), where);
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        NdArray a = NdArray.zeros(d, shape);
        int n = a.size();
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            decode(a, external(t, modelDir, (long) n * rawSize(d), where), where);
        } else if (t.hasRawData()) {
            decode(a, t.getRawData(), where);
        } else {
            typed(a, t, where);
        }
        return a;
    }

    private static int rawSize(DType d) {
        return d == DType.BOOL ? 1 : d.byteSize();
    }

    private static void decode(NdArray a, ByteString raw, String where) {
        int n = a.size();
        long expected = (long) n * rawSize(a.dtype());
        if (raw.size() != expected) {
            throw new OnnxException(where + " holds " + raw.size() + " bytes of data, expected " + expected + " (" + n
                    + " " + a.dtype() + " elements)");
        }
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (a.dtype()) {
                case F32 -> a.set(i, b.getFloat());
                case F64 -> a.set(i, b.getDouble());
                case F16 -> a.set(i, Float.float16ToFloat(b.getShort()));
                case I32 -> a.setLong(i, b.getInt());
                case I64 -> a.setLong(i, b.getLong());
                case BOOL -> a.set(i, b.get() != 0 ? 1 : 0);
                case BF16 -> throw new IllegalStateException("bf16 is not an ONNX import type");
            }
        }
    }

    private static void typed(NdArray a, TensorProto t, String where) {
        int n = a.size();
        int found = switch (a.dtype()) {
            case F32 -> t.getFloatDataCount();
            case F64 -> t.getDoubleDataCount();
            case I64 -> t.getInt64DataCount();
            default -> t.getInt32DataCount();
        };
        if (found != n) {
            throw new OnnxException(where + " holds " + found + " values, expected " + n + " for shape "
                    + t.getDimsList() + " (" + a.dtype() + ")");
        }
        for (int i = 0; i < n; i++) {
            switch (a.dtype()) {
                case F32 -> a.set(i, t.getFloatData(i));
                case F64 -> a.set(i, t.getDoubleData(i));
                case I64 -> a.setLong(i, t.getInt64Data(i));
                case I32 -> a.setLong(i, t.getInt32Data(i));
                case BOOL -> a.set(i, t.getInt32Data(i) != 0 ? 1 : 0);
                // float16 values travel as their 16 bits in int32_data
                case F16 -> a.set(i, Float.float16ToFloat((short) t.getInt32Data(i)));
                case BF16 -> throw new IllegalStateException("bf16 is not an ONNX import type");
            }
        }
    }

    /** The bytes of an externally stored tensor: {@code location}, {@code offset}, {@code length} keys. */
    private static ByteString external(TensorProto t, Path modelDir, long expected, String where) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e.getValue(), "offset", where);
                case "length" -> length = parseLong(e.getValue(), "length", where);
                default -> {} // "checksum" and future keys do not change the bytes
            }
        }
        if (location == null) {
            throw new OnnxException(where + " is stored externally but names no 'location' file");
        }
        Path file = modelDir.resolve(location).normalize();
        if (!file.startsWith(modelDir.normalize())) {
            throw new OnnxException(where + " names external file '" + location + "' outside the model's folder "
                    + modelDir + "; only files beside the model are read");
        }
        long size = length < 0 ? expected : length;
        if (!Files.isRegularFile(file)) {
            throw new OnnxException(where + " is stored in external file " + file + ", which does not exist");
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (offset + size > f.length()) {
                throw new OnnxException(where + " needs bytes " + offset + ".." + (offset + size) + " of " + file
                        + ", which has " + f.length());
            }
            byte[] bytes = new byte[Math.toIntExact(size)];
            f.seek(offset);
            f.readFully(bytes);
            return ByteString.copyFrom(bytes);
        } catch (IOException e) {
            throw new OnnxException("cannot read " + file + " (external data of " + where + "): " + e.getMessage(), e);
        }
    }

    private static long parseLong(String v, String key, String where) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new OnnxException(where + " has external data " + key + " '" + v + "', expected a whole number");
        }
    }
}
