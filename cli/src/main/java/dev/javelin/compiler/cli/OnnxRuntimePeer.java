package dev.javelin.compiler.cli;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.javelin.ir.value.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime Java as {@code javelin bench --onnx}'s peer. Only {@link OnnxBench#openPeer} loads
 * this class, after checking ONNX Runtime is on the class path: the CLI depends on it with scope
 * provided, so deployments never carry its 100 MB of native libraries unless they add it.
 */
final class OnnxRuntimePeer implements OnnxBench.Peer {
    private final OrtSession session;
    private final Map<String, OnnxTensor> feeds;
    private final String describe;

    private OnnxRuntimePeer(OrtSession session, Map<String, OnnxTensor> feeds, String describe) {
        this.session = session;
        this.feeds = feeds;
        this.describe = describe;
    }

    /** A session on {@code model} with {@code threads} intra-op threads and every graph optimization. */
    static OnnxRuntimePeer open(Path model, Map<String, NdArray> inputs, int threads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtSession session = env.createSession(model.toString(), o);
            for (var e : inputs.entrySet()) {
                feeds.put(e.getKey(), tensor(env, e.getValue()));
            }
            String d =
                    "ONNX Runtime " + env.getVersion() + " (" + threads + " intra-op threads, all graph optimizations)";
            return new OnnxRuntimePeer(session, feeds, d);
        } catch (OrtException e) {
            feeds.values().forEach(OnnxTensor::close);
            throw new CliException("ONNX Runtime could not load " + model + ": " + e.getMessage());
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, NdArray v) throws OrtException {
        long[] shape = v.shape();
        return switch (v.dtype()) {
            case F32 -> {
                float[] f = new float[v.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) v.get(i);
                }
                yield OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape);
            }
            case F64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap(v.toDoubles()), shape);
            case I64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(v.toLongs()), shape);
            case I32 -> {
                long[] l = v.toLongs();
                int[] a = new int[l.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (int) l[i];
                }
                yield OnnxTensor.createTensor(env, IntBuffer.wrap(a), shape);
            }
            case BOOL -> {
                long[] l = v.toLongs();
                ByteBuffer b = ByteBuffer.allocateDirect(l.length).order(ByteOrder.nativeOrder());
                for (long x : l) {
                    b.put((byte) (x != 0 ? 1 : 0));
                }
                yield OnnxTensor.createTensor(env, b.flip(), shape, OnnxJavaType.BOOL);
            }
            case F16, BF16 ->
                throw new CliException(
                        "--peer onnxruntime takes f32, f64, i64, i32 and bool inputs," + " found " + v.type());
        };
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void run() {
        try (OrtSession.Result r = session.run(feeds)) {
            // the outputs are copied out of the session's memory only when read; a run ends here
        } catch (OrtException e) {
            throw new CliException("ONNX Runtime failed: " + e.getMessage());
        }
    }

    @Override
    public Map<String, float[]> outputs() {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OrtSession.Result r = session.run(feeds)) {
            for (Map.Entry<String, OnnxValue> e : r) {
                if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
                    FloatBuffer b = t.getFloatBuffer();
                    float[] f = new float[b.remaining()];
                    b.get(f);
                    out.put(e.getKey(), f);
                }
            }
        } catch (OrtException e) {
            throw new CliException("ONNX Runtime failed: " + e.getMessage());
        }
        return out;
    }

    @Override
    public void close() {
        feeds.values().forEach(OnnxTensor::close);
        try {
            session.close();
        } catch (OrtException e) {
            throw new CliException("ONNX Runtime failed to close its session: " + e.getMessage());
        }
    }
}
