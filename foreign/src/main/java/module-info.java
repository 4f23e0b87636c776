/** Java 22+ {@code MemorySegment} views of jipc's shared regions. */
module io.github.jipc.foreign {
    requires transitive io.github.jipc;

    exports io.github.jipc.foreign;
}
