/**
 * jipc: Linux inter-process communication for the JVM. Only {@code io.github.jipc}
 * is exported; the loading, errno and handle code and the JavaCPP binding
 * classes stay inside the module.
 */
module io.github.jipc {
    requires org.bytedeco.javacpp;

    exports io.github.jipc;

    // For JavaCPP, which may reflect on binding classes (Pointer subclasses);
    // today's bindings, static methods only, load without it.
    opens io.github.jipc.internal.jni to org.bytedeco.javacpp;
}
