#!/usr/bin/env bash
# Installs everything resvk needs to build and test on a bare Debian 12 machine.
# Idempotent: apt skips what is already there.
set -euo pipefail
packages=(
  cmake g++ make pkg-config
  libvulkan-dev glslc glslang-tools spirv-tools
  mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  libavformat-dev libavcodec-dev libavdevice-dev libavfilter-dev libavutil-dev libswscale-dev ffmpeg
  libglfw3-dev libimgui-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  catch2 xvfb xdotool python3
  clang libclang-rt-14-dev
  fonts-dejavu-core
  dpkg-dev file
  libmosquitto-dev mosquitto mosquitto-clients prometheus-cpp-dev prometheus curl openssl
  pybind11-dev python3-dev python3-numpy python3-pytest
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav
  jq
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
