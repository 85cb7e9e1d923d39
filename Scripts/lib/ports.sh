# shellcheck shell=bash
# Scripts/lib/ports.sh: TCP ports on 127.0.0.1. Uses die (see common.sh).
#
#   port_in_use PORT   something accepts connections on 127.0.0.1:PORT
#   port_is_free PORT  nothing holds 127.0.0.1:PORT: a bind succeeds (without python3: nothing accepts)
#   free_port          prints a free port in 20000-31999, below the kernel's ephemeral range, so that an
#                      outgoing connection is unlikely to take it between this check and the server's bind

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_is_free() {
    if ! command -v python3 >/dev/null 2>&1; then
        ! port_in_use "$1"
        return
    fi
    python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

free_port() {
    local port _
    for _ in $(seq 1 100); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        if port_is_free "$port"; then
            echo "$port"
            return 0
        fi
    done
    die "no free TCP port on 127.0.0.1 after 100 tries"
}
