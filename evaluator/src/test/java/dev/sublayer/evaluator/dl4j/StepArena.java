package dev.sublayer.evaluator.dl4j;

import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The memory manager of a SameDiff session that recycles every activation array from one training step
 * to the next.
 *
 * <p>Why: SameDiff M2.1's default manager gets back almost none of a step's arrays, so they are freed
 * only when the Java garbage collector happens to collect their small Java objects. Native memory then
 * grows by the whole working set (about 1 GB for the reference model) on many steps, and fresh memory
 * costs page faults: steps took 0.5 s or 3 s at random and the process grew to 7 GB. Here each array
 * handed out during a step is kept in a list; {@link #endStep()} puts them all into a free pool keyed by
 * data type and shape, and the next step's identical requests are served from the pool. A training run
 * then needs one step's working set, allocated once.
 *
 * <p>Arrays handed out by this manager (the session's outputs included, such as gradients) are valid only
 * until {@link #endStep()}; callers copy what they keep.
 */
final class StepArena implements SessionMemMgr {

    private record Key(DataType type, char order, List<Long> shape) {
        static Key of(DataType type, char order, long[] shape) {
            Long[] boxed = new Long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                boxed[i] = shape[i];
            }
            return new Key(type, order, Arrays.asList(boxed));
        }
    }

    private final Map<Key, ArrayDeque<INDArray>> free = new HashMap<>();
    private final Set<INDArray> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<INDArray, Key> keys = new IdentityHashMap<>();
    private long bytes;

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return take(Key.of(dataType, 'c', shape));
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            return Nd4j.empty(descriptor.dataType());
        }
        return take(Key.of(descriptor.dataType(), descriptor.getOrder(), descriptor.getShape()));
    }

    @Override
    public INDArray ulike(INDArray arr) {
        return take(Key.of(arr.dataType(), arr.ordering(), arr.shape()));
    }

    @Override
    public INDArray dup(INDArray arr) {
        return ulike(arr).assign(arr);
    }

    private INDArray take(Key key) {
        ArrayDeque<INDArray> pool = free.get(key);
        INDArray arr = pool == null ? null : pool.pollLast();
        if (arr == null) {
            long[] shape = key.shape().stream().mapToLong(Long::longValue).toArray();
            arr = Nd4j.createUninitializedDetached(key.type(), key.order(), shape);
            keys.put(arr, key);
            bytes += arr.length() * key.type().width();
        }
        lent.add(arr);
        return arr;
    }

    /** The session no longer needs {@code arr}: it may serve a later request of this step. */
    @Override
    public void release(INDArray arr) {
        if (lent.remove(arr)) {
            free.computeIfAbsent(keys.get(arr), k -> new ArrayDeque<>()).add(arr);
        }
    }

    /** Every array handed out since the last call becomes free for the next step. */
    void endStep() {
        for (INDArray arr : new ArrayList<>(lent)) {
            release(arr);
        }
    }

    /** Makes {@code graph}'s session on the calling thread allocate from {@code arena}. */
    static void install(org.nd4j.autodiff.samediff.SameDiff graph, StepArena arena) {
        org.nd4j.autodiff.samediff.internal.InferenceSession session =
                new org.nd4j.autodiff.samediff.internal.InferenceSession(graph);
        session.setMmgr(arena);
        graph.getSessions().put(Thread.currentThread().getId(), session);
    }

    /** Bytes of native memory this arena holds. */
    long bytes() {
        return bytes;
    }

    /** Frees all native memory of this arena now, without waiting for the garbage collector. */
    @Override
    public void close() {
        for (INDArray arr : keys.keySet()) {
            if (!arr.wasClosed()) {
                arr.close();
            }
        }
        keys.clear();
        lent.clear();
        free.clear();
        bytes = 0;
    }
}
