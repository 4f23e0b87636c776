# The message ring's C files: libjipc builds them, and so does every C program
# that compiles the ring in (integration-tests/c, cli/c, bench/c), from this one
# list so that none of them misses a file. The private header
# jipc_ring_internal.h sits beside them; the public one is native/include/jipc_ring.h.
get_filename_component(JIPC_RING_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/../src ABSOLUTE)
set(JIPC_RING_SOURCES
  ${JIPC_RING_SOURCE_DIR}/jipc_ring.c
  ${JIPC_RING_SOURCE_DIR}/jipc_ring_producer.c
  ${JIPC_RING_SOURCE_DIR}/jipc_ring_consumer.c)
