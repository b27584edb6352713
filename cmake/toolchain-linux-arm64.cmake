# Cross-building the four programs for linux/arm64 on an amd64 Debian machine, with Debian's cross
# toolchain (crossbuild-essential-arm64) and Debian's arm64 static libraries installed beside the
# amd64 ones (multiarch: /usr/lib/aarch64-linux-gnu). yaml-cpp's arm64 package cannot be
# installed beside the amd64 one (no Multi-Arch field): bin/setup unpacks it into
# CCAAS_BUILDER_ARM64_SYSROOT, which CMAKE_PREFIX_PATH names. Programs built here are run under
# qemu-user-static (the tests, and CMake's own checks).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
# pkg-config must see the arm64 .pc files only (yaml-cpp's is in the sysroot).
set(ENV{PKG_CONFIG_LIBDIR} "$ENV{CCAAS_BUILDER_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
