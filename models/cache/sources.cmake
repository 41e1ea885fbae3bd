# The cache model (models/cache): page-table walker, caches and coherence,
# the coherence checker and the device-tree cache properties. Pure C with
# libfdt; no Unicorn.
set(TZ_CACHE_SOURCES
  ${CMAKE_SOURCE_DIR}/models/cache/walker.c
  ${CMAKE_SOURCE_DIR}/models/cache/cache.c
  ${CMAKE_SOURCE_DIR}/models/cache/cache_dt.c
  ${CMAKE_SOURCE_DIR}/models/cache/checker.c)
