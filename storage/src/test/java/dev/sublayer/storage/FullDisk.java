package dev.sublayer.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * A disk that fills up on demand, for MVStore: an H2 file system ({@code fulldisk:}) over the real one whose
 * writes fail with the operating system's "No space left on device" once the bytes {@link #allow allowed} are
 * spent, as a full disk fails them. Stores open through it while {@link #install} is in force
 * ({@link StoreFile#fileSystem}, the seam).
 */
public final class FullDisk extends FilePathWrapper {

    private static final AtomicLong LEFT = new AtomicLong(Long.MAX_VALUE);

    static {
        FilePath.register(new FullDisk());
    }

    /** What a full disk closes over: the store files opened from now on go through this file system. */
    static AutoCloseable install() {
        LEFT.set(Long.MAX_VALUE);
        StoreFile.fileSystem = "fulldisk:";
        return () -> {
            StoreFile.fileSystem = "";
            LEFT.set(Long.MAX_VALUE);
        };
    }

    /** From now on, writes of {@code bytes} more succeed; the next one fails as on a full disk. */
    static void allow(long bytes) {
        LEFT.set(bytes);
    }

    /** Space is back: every write succeeds. */
    static void free() {
        LEFT.set(Long.MAX_VALUE);
    }

    @Override
    public String getScheme() {
        return "fulldisk";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new Channel(getBase().open(mode));
    }

    private static final class Channel extends FileBase {
        private final FileChannel base;

        Channel(FileChannel base) {
            this.base = base;
        }

        private static void take(int bytes) throws IOException {
            if (LEFT.addAndGet(-bytes) < 0) {
                LEFT.set(0);
                throw new IOException("No space left on device");
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            take(src.remaining());
            return base.write(src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            take(src.remaining());
            return base.write(src);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            base.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
