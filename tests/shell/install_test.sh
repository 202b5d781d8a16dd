#!/usr/bin/env bash
# resvk installs like a Debian tool:
#   install   `cmake --install` into a temporary prefix gives the binary, the shipped
#             labels, the man page and the bash completion, and the installed copy runs;
#   deb       `cpack` builds a .deb whose Depends are Debian runtime packages, and the
#             copy `dpkg -x` unpacks runs `--version` and a classify.
# Usage: install_test.sh install|deb BUILD_DIR   (env: RESVK_SHARED, the sample data)
set -euo pipefail
mode=$1
build=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The installed (or unpacked) tree at $1/<prefix>: version, labels by name, a real classify.
check_runs() {
  local root=$1
  local out
  out=$("$root/bin/resvk" --version) || fail "$root/bin/resvk --version failed"
  [[ $out =~ ^resvk\ [0-9.]+\ \(git\ [0-9a-f]+(-dirty)?\)$ || $out =~ \(git\ unknown\)$ ]] ||
    fail "unexpected --version output: $out"
  # The labels are found beside the installed binary, not in the source tree.
  out=$(cd "$tmp" && "$root/bin/resvk" classify "$RESVK_SHARED/media/orange.jpg" \
    --model "$RESVK_SHARED/models/cifar10/resnet20_cifar10.onnx" --no-crop --labels cifar10 --top 10) ||
    fail "classify with the installed copy failed"
  for label in airplane automobile bird cat deer dog frog horse ship truck; do
    grep -q " $label (" <<<"$out" || fail "classify output lacks the shipped label '$label': $out"
  done
  echo "ran $root/bin/resvk: --version and classify --labels cifar10"
}

case $mode in
install)
  prefix=$tmp/prefix
  cmake --install "$build" --prefix "$prefix" >/dev/null
  for f in bin/resvk share/resvk/labels/imagenet.txt share/resvk/labels/cifar10.txt \
    share/man/man1/resvk.1.gz share/bash-completion/completions/resvk; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
  done
  [ "$(wc -l <"$prefix/share/resvk/labels/imagenet.txt")" -eq 1000 ] || fail "imagenet.txt is not 1000 labels"
  # The man page has a section for every command and every option of classify.
  man=$(gzip -dc "$prefix/share/man/man1/resvk.1.gz")
  grep -q '^\.TH RESVK 1' <<<"$man" || fail "man page has no .TH header"
  for cmd in classify check info bench devices view models; do
    grep -q "^\.SH \"RESVK ${cmd^^}\"" <<<"$man" || fail "man page lacks the $cmd section"
  done
  for opt in $("$prefix/bin/resvk" classify --help | grep -o '^  --[a-z-]*'); do
    grep -qF "\\fB${opt//-/\\-}" <<<"$man" || fail "man page lacks classify's $opt"  # roff writes - as \-
  done
  if command -v groff >/dev/null; then
    groff -man -Tutf8 -ww -z <<<"$man" 2>&1 | grep . && fail "groff warns about the man page"
  fi
  # Bash completion: commands, then the options of the command typed.
  # grep without -q: it reads all of the output, so the writer never dies of SIGPIPE under pipefail.
  complete_words() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _resvk; printf "%s\n" "${COMPREPLY[@]}"' \
      _ "$prefix/share/bash-completion/completions/resvk" "$@"
  }
  [ "$(complete_words resvk cl)" = classify ] || fail "completing 'resvk cl' gives: $(complete_words resvk cl)"
  complete_words resvk classify --no- | grep -x -- --no-crop >/dev/null || fail "completion lacks classify --no-crop"
  complete_words resvk bench --pro | grep -x -- --profile >/dev/null || fail "completion lacks bench --profile"
  complete_words resvk models p | grep -x pull >/dev/null || fail "completion lacks models pull"
  echo "installed into a temporary prefix: binary, labels, man page, bash completion"
  check_runs "$prefix"
  # The Python module (when built): beside its stubs in Debian's dist-packages,
  # importable from there, finding the shipped labels of the same prefix.
  if compgen -G "$build/python/resvk*.so" >/dev/null; then
    site=$prefix/lib/python3/dist-packages
    compgen -G "$site/resvk*.so" >/dev/null || fail "the Python module is not in $site"
    [ -f "$site/resvk.pyi" ] || fail "resvk.pyi is not installed beside the module"
    out=$(cd "$tmp" && PYTHONPATH=$site /usr/bin/python3 -c 'import resvk, sys
net = resvk.Classifier(sys.argv[1], labels="cifar10", no_crop=True)
print(resvk.__file__, len(net.labels))' "$RESVK_SHARED/models/cifar10/resnet20_cifar10.onnx") ||
      fail "the installed Python module does not run"
    [[ $out == "$site/"*" 10" ]] || fail "the installed module is not the one imported, or lacks labels: $out"
    echo "installed the Python module: $out"
  fi
  # The GStreamer plugin (when built): in GStreamer's plugin folder under the prefix,
  # found there by GST_PLUGIN_PATH, and it finds the installed label lists itself.
  if [ -f "$build/gstreamer/libgstresvk.so" ]; then
    plugin=$(find "$prefix" -name libgstresvk.so -path '*/gstreamer-1.0/*' | head -n 1)
    [ -n "$plugin" ] || fail "the GStreamer plugin was not installed into a gstreamer-1.0 folder"
    out=$(GST_PLUGIN_PATH=$(dirname "$plugin") GST_REGISTRY=$tmp/gst-registry.bin gst-launch-1.0 -m \
      videotestsrc num-buffers=1 ! video/x-raw,width=64,height=48 ! resvkclassify labels=cifar10 center-crop=false \
      model="$RESVK_SHARED/models/cifar10/resnet20_cifar10.onnx" ! fakesink 2>&1) ||
      fail "gst-launch with the installed plugin failed: $out"
    grep -qE 'classification, label=\(string\)(airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck),' \
      <<<"$out" || fail "the installed plugin did not label with the shipped cifar10 list: $out"
    echo "installed the GStreamer plugin: $plugin"
  fi
  ;;
deb)
  # A package built in a copy of the build's install step, so the test leaves build/ alone.
  (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >/dev/null) || fail "cpack failed"
  deb=$(find "$tmp/pkg" -maxdepth 1 -name 'resvk_*.deb' | head -n 1)
  [ -n "$deb" ] || fail "cpack made no resvk_*.deb"
  info=$(dpkg-deb -I "$deb")
  depends=$(sed -n 's/^ Depends: //p' <<<"$info")
  [ -n "$depends" ] || fail "the .deb has no Depends: $info"
  for pkg in libvulkan1 libavcodec libavformat libglfw3 libprotobuf libc6; do
    grep -q "$pkg" <<<"$depends" || fail "Depends lacks $pkg: $depends"
  done
  # Every dependency is a Debian package installed here (the build linked its library),
  # so the names are real ones; dpkg answers without package lists or the network.
  for pkg in $(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*//; s/ //g' | sort -u); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      fail "Depends names $pkg, which is not an installed Debian package"
  done
  grep -q "^ Recommends: .*mesa-vulkan-drivers" <<<"$info" || fail "the .deb does not recommend a Vulkan driver"
  echo "$(basename "$deb"): Depends: $depends"
  dpkg -x "$deb" "$tmp/root"
  # The Python module, when packaged, brings what imports it and what it returns.
  if compgen -G "$tmp/root/usr/lib/python3/dist-packages/resvk*.so" >/dev/null; then
    grep -q "^ Recommends: .*python3 (>= 3\.[0-9]*).*python3-numpy" <<<"$info" ||
      fail "the .deb ships the Python module but does not recommend python3 and python3-numpy: $info"
  fi
  [ -f "$tmp/root/usr/share/man/man1/resvk.1.gz" ] || fail "the .deb lacks the man page"
  check_runs "$tmp/root/usr"
  ;;
*)
  fail "usage: install_test.sh install|deb BUILD_DIR"
  ;;
esac
