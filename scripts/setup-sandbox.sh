#!/usr/bin/env bash
# Set up what the grader's sandbox needs; run as root (make does), safe to run again.
#
# - bubblewrap (Debian package `bubblewrap`): namespaces for the learner's process.
# - a Python venv outside /root (which is 0700) built on Debian's /usr/bin/python3, with numpy
#   and scikit-learn, readable by the unprivileged uids the sandbox runs as. The grader finds it
#   at /opt/dltutor/sandbox unless DLTUTOR_GRADER_PYTHON names another interpreter.
#   scikit-learn is there because tutorials (seed 002's chatbot among them) use its encoders and
#   models: without it their code stops at the import and its real bugs are never reached.
#
# Options: --with-torch       also install torch into the venv, for `kind: project` exercises
#                             (the projects train real models; without torch grading them says so).
#          --with-tensorflow  also install TensorFlow (CPU build, with Keras 3), for articles
#                             written with Keras. Large; measured on this project's machine (2
#                             shared cores, PyPI, no pip cache): tensorflow-cpu 2.21.0 is a
#                             274 MB wheel, 317 MB to download with its dependencies, 1.48 GB
#                             installed, 121 s to install; `import tensorflow` in the sandbox
#                             takes 3.1 s of CPU (13 s of wall time on the loaded machine).
#                             (scikit-learn, for comparison: 46 MB, 201 MB installed, 29 s.)
#                             See docs/seed-002.md.
# Env:     DLTUTOR_SANDBOX_DIR (default /opt/dltutor/sandbox), DLTUTOR_SANDBOX_NUMPY (a pip
#          requirement, default: the numpy version of the repo's .venv, else "numpy"),
#          DLTUTOR_SANDBOX_SKLEARN (default: the scikit-learn version of the repo's .venv, else
#          "scikit-learn==1.9.1"), DLTUTOR_SANDBOX_TORCH (a pip requirement, default: the torch
#          version of the repo's .venv without its local label, else "torch==2.13.0"),
#          DLTUTOR_SANDBOX_TENSORFLOW (default "tensorflow-cpu==2.21.0"). Always pinned: an
#          unpinned `pip install torch` may pick a multi-GB CUDA build; `torch==2.13.0` takes the
#          CPU wheel where one lies in pip's find-links; `tensorflow-cpu` is TensorFlow's
#          CPU-only package.
set -euo pipefail

SANDBOX_DIR="${DLTUTOR_SANDBOX_DIR:-/opt/dltutor/sandbox}"
WITH_TORCH=0
WITH_TF=0
for arg in "$@"; do
  case "$arg" in
    --with-torch) WITH_TORCH=1 ;;
    --with-tensorflow) WITH_TF=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-sandbox: not root; skipping (the grader falls back to rlimits only)" >&2
  exit 0
fi

need_apt=()
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
/usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
command -v prlimit >/dev/null 2>&1 || need_apt+=(util-linux)
if [ "${#need_apt[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}"
fi

# Pin numpy to the version the trusted side (the repo's venv) uses, so that the reference
# solutions and the learner's code see the same numpy.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
numpy_spec="${DLTUTOR_SANDBOX_NUMPY:-}"
if [ -z "$numpy_spec" ]; then
  if v="$("$here/.venv/bin/python" -c 'import numpy; print(numpy.__version__)' 2>/dev/null)"; then
    numpy_spec="numpy==$v"
  else
    numpy_spec="numpy"
  fi
fi

# scikit-learn likewise (it is a dependency of dltutor itself, so the .venv has it).
sklearn_spec="${DLTUTOR_SANDBOX_SKLEARN:-}"
if [ -z "$sklearn_spec" ]; then
  if v="$("$here/.venv/bin/python" -c \
    'from importlib.metadata import version; print(version("scikit-learn"))' 2>/dev/null)"; then
    sklearn_spec="scikit-learn==$v"
  else
    sklearn_spec="scikit-learn==1.9.1"
  fi
fi
tf_spec="${DLTUTOR_SANDBOX_TENSORFLOW:-tensorflow-cpu==2.21.0}"

py="$SANDBOX_DIR/bin/python3"
if [ ! -x "$py" ]; then
  mkdir -p "$(dirname "$SANDBOX_DIR")"
  /usr/bin/python3 -m venv "$SANDBOX_DIR"
fi
# Print "name==version" of what is installed (empty when missing), to install only what changed.
installed() {
  "$py" -c 'import sys
from importlib.metadata import version, PackageNotFoundError
try:
    print(sys.argv[1] + "==" + version(sys.argv[1]).split("+")[0])
except PackageNotFoundError:
    pass' "$1" 2>/dev/null || true
}
have="$(installed numpy)"
if [ "$have" != "$numpy_spec" ] && { [ "$numpy_spec" != "numpy" ] || [ -z "$have" ]; }; then
  "$py" -m pip install -q --disable-pip-version-check "$numpy_spec"
fi
if [ "$(installed scikit-learn)" != "$sklearn_spec" ]; then
  # numpy stays as pinned above (scikit-learn accepts it, and must not move it)
  "$py" -m pip install -q --disable-pip-version-check "$sklearn_spec" "$numpy_spec"
fi
torch_spec="${DLTUTOR_SANDBOX_TORCH:-}"
if [ -z "$torch_spec" ]; then
  if v="$("$here/.venv/bin/python" -c 'import torch; print(torch.__version__)' 2>/dev/null)"; then
    torch_spec="torch==${v%%+*}"
  else
    torch_spec="torch==2.13.0"
  fi
fi
if [ "$WITH_TORCH" -eq 1 ]; then
  have_torch="$("$py" -c 'import torch; print("torch==" + torch.__version__.split("+")[0])' \
    2>/dev/null || true)"
  if [ "$have_torch" != "$torch_spec" ]; then
    # numpy stays as pinned above (torch does not require it, and must not move it)
    "$py" -m pip install -q --disable-pip-version-check "$torch_spec" "$numpy_spec"
  fi
fi
if [ "$WITH_TF" -eq 1 ] && [ "$(installed "${tf_spec%%==*}")" != "$tf_spec" ]; then
  t0=$SECONDS
  "$py" -m pip install -q --disable-pip-version-check "$tf_spec" "$numpy_spec"
  echo "setup-sandbox: installed $tf_spec in $((SECONDS - t0)) s" >&2
fi

# Readable and executable by everyone, writable by root only.
chmod -R go+rX,go-w "$SANDBOX_DIR"
for d in "$(dirname "$SANDBOX_DIR")" "$SANDBOX_DIR"; do chmod 755 "$d"; done

# Check it as an unprivileged uid, the way the grader runs it.
check="import numpy, sklearn"
[ "$WITH_TORCH" -eq 1 ] && check="$check, torch"
[ "$WITH_TF" -eq 1 ] && check="$check, tensorflow"
versions="$("$py" -c 'import numpy; print("numpy", numpy.__version__, end="")')"
for pkg in scikit-learn torch tensorflow-cpu tensorflow; do
  v="$(installed "$pkg")"
  [ -n "$v" ] && versions="$versions, ${v/==/ }"
done
setpriv --reuid=65534 --regid=65534 --clear-groups \
  bwrap --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/bin /bin \
  --ro-bind "$SANDBOX_DIR" "$SANDBOX_DIR" --proc /proc --dev /dev --unshare-all --die-with-parent \
  --new-session --clearenv "$py" -c "$check" \
  && echo "setup-sandbox: ok ($py, $versions, bwrap $(bwrap --version | cut -d' ' -f2))" \
  || { echo "setup-sandbox: bwrap could not run the sandbox Python; the grader will fall back" >&2; exit 0; }
