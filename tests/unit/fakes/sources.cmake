# The fakes' sources, shared by the unit tests (tests/unit/fakes) and the fuzz targets
# (tests/fuzz), which build them with their own compiler and flags.
set(CLOCKKO_TEST_FAKES_SOURCES
    fake_password_hasher.cpp
    memory_sessions.cpp
    memory_store.cpp
    memory_store_throttle.cpp
    seeded_random.cpp)
