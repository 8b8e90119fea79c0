#!/usr/bin/env bash
# Re-record the wirelens sample captures from real programs.
#
#   sudo sample-captures/record.sh            # record all captures
#   sudo sample-captures/record.sh textbook   # record only the named ones
#
# Scenario names: textbook keepalive chunked post refused
#                 dns-tcp dns-fragmented ssh smtp ftp
#   and the HTTPS ones: tls13-h2 tls13-chacha-h1 tls13-aes128-post-h2
#   tls12-gcm-h1 tls12-chacha-h2 tls12-cbc-sha384 tls12-rsa-cbc-sha1
#   tls10-cbc-sha1 tls11-rsa-cbc-sha1 tls13-resume tls12-resume-id
#   (each writes NAME.pcap and the key log curl wrote, NAME.keys; tls13-h2
#   also writes tls13-h2-dsb.pcapng, the keys embedded with editcap)
#
# WL_NS_CLIENT / WL_NS_SERVER rename the two namespaces (default wl-client
# and wl-server), so that two recordings can run side by side.
#
# Builds two network namespaces joined by a veth pair (private addresses
# only inside them), runs dnsmasq and nginx in wl-server, runs curl and
# tcpdump in wl-client, writes the .pcap files next to this script, and
# tears everything down again, also on failure. Safe to run repeatedly.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONF_DIR="$HERE/conf"
CONTENT_DIR="$HERE/content"
OUT_DIR="${OUT_DIR:-$HERE}"

NS_C=${WL_NS_CLIENT:-wl-client}
NS_S=${WL_NS_SERVER:-wl-server}
IF_C=wl-c          # client end of the veth pair (lives in wl-client)
IF_S=wl-s          # server end of the veth pair (lives in wl-server)
MAC_C=02:77:00:00:00:01
MAC_S=02:77:00:00:00:02
IP_C=10.77.0.1
IP_S=10.77.0.2
NAME=www.wirelens.test
BASE="http://$NAME"
TLS_BASE="https://$NAME"
RESOLV_DIR=/etc/netns/$NS_C

RUN_DIR=""
TCPDUMP_PID=""
NGINX_PID=""
DNSMASQ_PID=""
RESOLV_CREATED=0

log() { printf '[record] %s\n' "$*" >&2; }

if [[ $EUID -ne 0 ]]; then
    echo "record.sh must run as root (it creates network namespaces)" >&2
    exit 1
fi

# --------------------------------------------------------------------------
# Dependencies
# --------------------------------------------------------------------------
install_deps() {
    local missing=()
    command -v nginx    >/dev/null || missing+=(nginx-light)
    command -v dnsmasq  >/dev/null || missing+=(dnsmasq-base)
    command -v curl     >/dev/null || missing+=(curl)
    command -v tcpdump  >/dev/null || missing+=(tcpdump)
    command -v ip       >/dev/null || missing+=(iproute2)
    command -v ethtool  >/dev/null || missing+=(ethtool)
    command -v python3  >/dev/null || missing+=(python3)
    [[ -x /usr/sbin/sshd ]]        || missing+=(openssh-server)
    command -v ssh      >/dev/null || missing+=(openssh-client)
    command -v openssl  >/dev/null || missing+=(openssl)
    command -v editcap  >/dev/null || missing+=(tshark)
    if ((${#missing[@]})); then
        log "installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        if ! apt-get install -y -q "${missing[@]}"; then
            # nginx-light is not in every release; fall back to nginx.
            apt-get install -y -q "${missing[@]/nginx-light/nginx}"
        fi
    fi
    # The Debian packages may start system-wide daemons on install (where an
    # init system exists). They listen in the root namespace and do not
    # interfere with the namespaces below, so they are left alone.
}

# --------------------------------------------------------------------------
# Teardown (also used to clear leftovers of an earlier, interrupted run)
# --------------------------------------------------------------------------
stop_pid() { # stop_pid PID SIGNAL
    local pid=$1 sig=$2 i
    [[ -n $pid ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

kill_ns_procs() { # kill every process still running inside namespace $1
    local ns=$1 pid
    ip netns list 2>/dev/null | grep -qw "^$ns" || return 0
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
        kill -TERM "$pid" 2>/dev/null || true
    done
    sleep 0.3
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null || true
    done
}

teardown() {
    stop_pid "$TCPDUMP_PID" INT
    stop_pid "$NGINX_PID" QUIT
    stop_pid "$DNSMASQ_PID" TERM
    TCPDUMP_PID="" NGINX_PID="" DNSMASQ_PID=""
    local ns
    for ns in $NS_C $NS_S; do
        kill_ns_procs "$ns"
        if ip netns list 2>/dev/null | grep -qw "^$ns"; then
            ip netns del "$ns" || true
        fi
    done
    if ((RESOLV_CREATED)) || [[ -f $RESOLV_DIR/resolv.conf && $(head -n1 "$RESOLV_DIR/resolv.conf") == "# wirelens record.sh" ]]; then
        rm -f "$RESOLV_DIR/resolv.conf"
        rmdir "$RESOLV_DIR" 2>/dev/null || true
        rmdir /etc/netns 2>/dev/null || true   # only if now empty
    fi
    if [[ -n $RUN_DIR && -d $RUN_DIR ]]; then
        rm -rf "$RUN_DIR"
    fi
}

on_exit() {
    local rc=$?
    if ((rc != 0)); then
        log "failed (exit $rc); cleaning up"
        if [[ -n $RUN_DIR && -d $RUN_DIR ]]; then
            for f in "$RUN_DIR"/*.log "$RUN_DIR"/*.err; do
                [[ -s $f ]] && { log "--- $f"; tail -n 20 "$f" >&2; }
            done
        fi
    fi
    teardown
    exit "$rc"
}

# --------------------------------------------------------------------------
# Network: wl-client (10.77.0.1/24) <-- veth --> wl-server (10.77.0.2/24)
# --------------------------------------------------------------------------
setup_net() {
    ip netns add $NS_C
    ip netns add $NS_S
    ip link add $IF_C netns $NS_C type veth peer name $IF_S netns $NS_S

    local ns ifc mac ip
    for ns in $NS_C $NS_S; do
        if [[ $ns == "$NS_C" ]]; then ifc=$IF_C mac=$MAC_C ip=$IP_C
        else                          ifc=$IF_S mac=$MAC_S ip=$IP_S; fi
        # IPv6 off so that router/neighbour solicitations and MLD reports do
        # not end up in the captures.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
        ip -n "$ns" link set "$ifc" address "$mac" mtu 1500
        ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1"
        # No segmentation/checksum offloads: what tcpdump sees is what a
        # real 1500-byte-MTU wire would carry.
        ip netns exec "$ns" ethtool -K "$ifc" tso off gso off gro off tx off rx off >/dev/null 2>&1 \
            || ip netns exec "$ns" ethtool -K "$ifc" tso off gso off gro off tx off >/dev/null
        ip -n "$ns" addr add "$ip/24" dev "$ifc"
        ip -n "$ns" link set "$ifc" up
    done
    # The server acknowledges every segment at once (route metric quickack),
    # instead of delaying the ACK of the client's FIN and piggybacking it on
    # its own FIN. That gives the four-packet teardown of the textbooks:
    # FIN (client), ACK (server), FIN (server), ACK (client).
    ip -n $NS_S route replace 10.77.0.0/24 dev $IF_S proto kernel scope link src $IP_S quickack 1
    # Permanent neighbour entries: no ARP exchange in the captures.
    ip -n $NS_C neigh replace $IP_S lladdr $MAC_S dev $IF_C nud permanent
    ip -n $NS_S neigh replace $IP_C lladdr $MAC_C dev $IF_S nud permanent

    # The client resolves names through dnsmasq in the server namespace.
    # `ip netns exec wl-client` bind-mounts this file over /etc/resolv.conf.
    mkdir -p "$RESOLV_DIR"
    printf '# wirelens record.sh\nnameserver %s\n' "$IP_S" > "$RESOLV_DIR/resolv.conf"
    RESOLV_CREATED=1
}

# The TXT record of dns-fragmented: 12 strings of 250 bytes, an answer of
# about 3 KB, which the server's kernel sends as three IPv4 fragments.
BIG_TXT_NAME=big.$NAME
big_txt() {
    local i out=""
    for i in $(seq -w 1 12); do
        out+="${out:+,}$(printf 'fragment-%s-%0240d' "$i" 0)"
    done
    printf '%s' "$out"
}

# sshd, and the tiny SMTP and FTP servers of conf/mini-servers.py, in
# wl-server (stopped with every other process of the namespace).
start_protocol_servers() {
    mkdir -p /run/sshd "$RUN_DIR/ssh"
    ssh-keygen -q -t ed25519 -N '' -f "$RUN_DIR/ssh/host_ed25519" -C wirelens-record
    cat > "$RUN_DIR/ssh/sshd_config" <<EOF_SSHD
ListenAddress $IP_S
HostKey $RUN_DIR/ssh/host_ed25519
PidFile $RUN_DIR/ssh/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
EOF_SSHD
    ip netns exec $NS_S /usr/sbin/sshd -D -e -f "$RUN_DIR/ssh/sshd_config" \
        >"$RUN_DIR/sshd.log" 2>&1 &
    ip netns exec $NS_S python3 "$CONF_DIR/mini-servers.py" smtp $IP_S 25 \
        >"$RUN_DIR/smtp.log" 2>&1 &
    ip netns exec $NS_S python3 "$CONF_DIR/mini-servers.py" ftp $IP_S 21 \
        "$CONTENT_DIR/style.css" >"$RUN_DIR/ftp.log" 2>&1 &
    local i port
    for port in 22 25 21; do
        for i in $(seq 50); do
            ip netns exec $NS_C bash -c "exec 3<>/dev/tcp/$IP_S/$port" 2>/dev/null && break
            sleep 0.1
        done
    done
}

# --------------------------------------------------------------------------
# Servers in wl-server
# --------------------------------------------------------------------------
start_servers() {
    ip netns exec $NS_S dnsmasq \
        --keep-in-foreground --conf-file=/dev/null \
        --no-resolv --no-hosts --no-poll \
        --address=/$NAME/$IP_S \
        --txt-record="$BIG_TXT_NAME,$(big_txt)" --edns-packet-max=4096 \
        --listen-address=$IP_S --bind-interfaces \
        --pid-file="$RUN_DIR/dnsmasq.pid" \
        --log-facility=- --log-queries \
        >"$RUN_DIR/dnsmasq.log" 2>&1 &
    DNSMASQ_PID=$!

    # The HTTPS server's certificate, made now (self-signed, RSA so that
    # the ECDHE-RSA and plain RSA TLS 1.2 suites can be negotiated); curl
    # trusts it with --cacert.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
        -subj "/CN=$NAME" -addext "subjectAltName=DNS:$NAME" \
        -keyout "$RUN_DIR/tls.key" -out "$RUN_DIR/tls.crt" 2>"$RUN_DIR/openssl.err"
    chmod 644 "$RUN_DIR/tls.key"

    mkdir -p "$RUN_DIR/nginx"
    sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@CONTENT_DIR@|$CONTENT_DIR|g" \
        "$CONF_DIR/nginx.conf.in" > "$RUN_DIR/nginx.conf"
    ip netns exec $NS_S nginx -t -q -p "$RUN_DIR/nginx/" -c "$RUN_DIR/nginx.conf"
    ip netns exec $NS_S nginx -p "$RUN_DIR/nginx/" -c "$RUN_DIR/nginx.conf" \
        >"$RUN_DIR/nginx-stdout.log" 2>&1 &
    NGINX_PID=$!

    # Wait until both answer (these checks run before any capture starts).
    local i
    for i in $(seq 50); do
        if ip netns exec $NS_C curl -4 -sS -o /dev/null --max-time 1 "$BASE/" 2>/dev/null \
            && ip netns exec $NS_C curl -4 -sS -o /dev/null --max-time 1 \
                --cacert "$RUN_DIR/tls.crt" "$TLS_BASE/" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "servers did not come up" >&2
    return 1
}

# --------------------------------------------------------------------------
# Capturing
# --------------------------------------------------------------------------
capture_start() { # capture_start FILE
    local file=$1 i
    rm -f "$file"
    : > "$RUN_DIR/tcpdump.err"
    # -U: write each packet as it arrives; default snaplen (full packets);
    # -Z root: do not drop privileges, so the output file can be written.
    ip netns exec $NS_C tcpdump -i $IF_C -U -Z root -w "$file" \
        2>"$RUN_DIR/tcpdump.err" &
    TCPDUMP_PID=$!
    for i in $(seq 100); do
        grep -q "listening on" "$RUN_DIR/tcpdump.err" && break
        sleep 0.05
    done
    grep -q "listening on" "$RUN_DIR/tcpdump.err"
    sleep 0.3
}

capture_stop() {
    sleep 1            # let the last packets (teardown, RST) arrive and flush
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=""
    tail -n 2 "$RUN_DIR/tcpdump.err" >&2 || true
}

in_client() { ip netns exec $NS_C "$@"; }

# Before each capture, let any earlier connection finish completely so that
# nothing from it leaks into the next file.
settle() { sleep 0.5; }

record() { # record NAME FILE
    local name=$1 out=$2 tmp="$RUN_DIR/$2"
    log "recording $out"
    settle
    capture_start "$tmp"
    "scenario_$name"
    capture_stop
    cp "$tmp" "$OUT_DIR/$out.tmp"
    mv -f "$OUT_DIR/$out.tmp" "$OUT_DIR/$out"
    if [[ -f $RUN_DIR/$name.keys ]]; then
        cp "$RUN_DIR/$name.keys" "$OUT_DIR/$name.keys"
    fi
    if [[ $name == tls13-h2 ]]; then
        # The same capture as pcapng with the key log in a Decryption
        # Secrets Block: readers decrypt it without being given a key log.
        editcap --inject-secrets "tls,$RUN_DIR/$name.keys" "$tmp" "$OUT_DIR/$name-dsb.pcapng"
    fi
}

# --------------------------------------------------------------------------
# Scenarios (each one is a single real curl invocation)
# --------------------------------------------------------------------------
scenario_textbook() {
    # DNS A query, handshake, GET /, ~11 KB response, teardown.
    in_client curl -4 --http1.1 -sS -o "$RUN_DIR/textbook.body" "$BASE/"
    cmp "$RUN_DIR/textbook.body" "$CONTENT_DIR/index.html"
}

scenario_keepalive() {
    # Three requests over one reused connection.
    in_client curl -4 --http1.1 -sS \
        -o "$RUN_DIR/ka1" -o "$RUN_DIR/ka2" -o "$RUN_DIR/ka3" \
        "$BASE/index.html" "$BASE/style.css" "$BASE/data.json"
    cmp "$RUN_DIR/ka1" "$CONTENT_DIR/index.html"
    cmp "$RUN_DIR/ka2" "$CONTENT_DIR/style.css"
    cmp "$RUN_DIR/ka3" "$CONTENT_DIR/data.json"
}

scenario_chunked() {
    # Accept-Encoding: gzip -> nginx answers chunked + gzip.
    in_client curl -4 --http1.1 -sS --compressed \
        -D "$RUN_DIR/chunked.headers" -o "$RUN_DIR/chunked.body" "$BASE/report.txt"
    cmp "$RUN_DIR/chunked.body" "$CONTENT_DIR/report.txt"
    grep -qi '^transfer-encoding: chunked' "$RUN_DIR/chunked.headers"
    grep -qi '^content-encoding: gzip' "$RUN_DIR/chunked.headers"
}

scenario_post() {
    # A urlencoded form body, sent byte for byte from content/post-body.txt.
    in_client curl -4 --http1.1 -sS --data-binary "@$CONTENT_DIR/post-body.txt" \
        -w '%{http_code}\n' -o "$RUN_DIR/post.body" "$BASE/submit" > "$RUN_DIR/post.code"
    grep -qx 200 "$RUN_DIR/post.code"
    printf 'thanks\n' | cmp - "$RUN_DIR/post.body"
}

scenario_refused() {
    # Nothing listens on port 81: SYN answered by RST/ACK; curl exits 7.
    local rc=0
    in_client curl -4 --http1.1 -sS -o /dev/null "$BASE:81/" 2>/dev/null || rc=$?
    [[ $rc -eq 7 ]] || { echo "curl to port 81 exited $rc, expected 7" >&2; return 1; }
}

scenario_dns-tcp() {
    # Two queries written at once on one TCP connection to dnsmasq.
    in_client python3 "$CONF_DIR/clients.py" dns-tcp $IP_S $NAME $NAME
}

scenario_dns-fragmented() {
    # An EDNS0 TXT query whose 3 KB answer comes back in IPv4 fragments.
    in_client python3 "$CONF_DIR/clients.py" dns-big $IP_S $BIG_TXT_NAME
}

scenario_ssh() {
    # Banners, key exchange, then encrypted packets; no user is accepted.
    in_client ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
        -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
        nobody@$IP_S true 2>/dev/null || true
}

scenario_smtp() {
    in_client python3 "$CONF_DIR/clients.py" smtp $IP_S
}

scenario_ftp() {
    # The control connection (port 21) and one passive data connection.
    in_client python3 "$CONF_DIR/clients.py" ftp $IP_S style.css
}

# HTTPS scenarios. curl writes the TLS secrets to NAME.keys (SSLKEYLOGFILE,
# NSS key log format); the key log is committed beside the capture.
tls_curl() { # tls_curl NAME CURL-ARGS...
    local name=$1
    shift
    rm -f "$RUN_DIR/$name.keys"
    in_client env SSLKEYLOGFILE="$RUN_DIR/$name.keys" \
        curl -4 -sS --cacert "$RUN_DIR/tls.crt" "$@"
}

scenario_tls13-h2() {
    # TLS 1.3 (TLS_AES_256_GCM_SHA384, OpenSSL's first choice), ALPN h2,
    # three requests as three streams of one connection.
    tls_curl tls13-h2 --tlsv1.3 --http2 \
        -o "$RUN_DIR/h2a" -o "$RUN_DIR/h2b" -o "$RUN_DIR/h2c" \
        "$TLS_BASE/index.html" "$TLS_BASE/style.css" "$TLS_BASE/data.json"
    cmp "$RUN_DIR/h2a" "$CONTENT_DIR/index.html"
    cmp "$RUN_DIR/h2b" "$CONTENT_DIR/style.css"
    cmp "$RUN_DIR/h2c" "$CONTENT_DIR/data.json"
}

scenario_tls13-chacha-h1() {
    # TLS 1.3 with TLS_CHACHA20_POLY1305_SHA256, HTTP/1.1, two requests on
    # one connection, the second one gzip-compressed (chunked).
    tls_curl tls13-chacha-h1 --tlsv1.3 --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256 \
        --http1.1 --compressed -o "$RUN_DIR/c1" -o "$RUN_DIR/c2" \
        "$TLS_BASE/index.html" "$TLS_BASE/report.txt"
    cmp "$RUN_DIR/c1" "$CONTENT_DIR/index.html"
    cmp "$RUN_DIR/c2" "$CONTENT_DIR/report.txt"
}

scenario_tls13-aes128-post-h2() {
    # TLS 1.3 with TLS_AES_128_GCM_SHA256, h2, a POST of content/post-body.txt.
    tls_curl tls13-aes128-post-h2 --tlsv1.3 --tls13-ciphers TLS_AES_128_GCM_SHA256 \
        --http2 --data-binary "@$CONTENT_DIR/post-body.txt" \
        -o "$RUN_DIR/p2.body" "$TLS_BASE/submit"
    printf 'thanks\n' | cmp - "$RUN_DIR/p2.body"
}

scenario_tls12-gcm-h1() {
    # TLS 1.2, ECDHE-RSA-AES128-GCM-SHA256, HTTP/1.1: a GET then a POST on
    # the same connection (--next keeps the connection).
    tls_curl tls12-gcm-h1 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 \
        --http1.1 -o "$RUN_DIR/g1" "$TLS_BASE/style.css" \
        --next --cacert "$RUN_DIR/tls.crt" --tlsv1.2 --tls-max 1.2 \
        --ciphers ECDHE-RSA-AES128-GCM-SHA256 --http1.1 \
        --data-binary "@$CONTENT_DIR/post-body.txt" -o "$RUN_DIR/g2" "$TLS_BASE/submit"
    cmp "$RUN_DIR/g1" "$CONTENT_DIR/style.css"
    printf 'thanks\n' | cmp - "$RUN_DIR/g2"
}

scenario_tls12-chacha-h2() {
    # TLS 1.2, ECDHE-RSA-CHACHA20-POLY1305, h2, two streams.
    tls_curl tls12-chacha-h2 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305 \
        --http2 -o "$RUN_DIR/ch1" -o "$RUN_DIR/ch2" \
        "$TLS_BASE/data.json" "$TLS_BASE/index.html"
    cmp "$RUN_DIR/ch1" "$CONTENT_DIR/data.json"
    cmp "$RUN_DIR/ch2" "$CONTENT_DIR/index.html"
}

scenario_tls12-cbc-sha384() {
    # TLS 1.2, ECDHE-RSA-AES256-SHA384 (AES-256-CBC, HMAC-SHA384), with the
    # encrypt_then_mac extension OpenSSL negotiates by default.
    tls_curl tls12-cbc-sha384 --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES256-SHA384 \
        --http1.1 -o "$RUN_DIR/cb1" "$TLS_BASE/data.json"
    cmp "$RUN_DIR/cb1" "$CONTENT_DIR/data.json"
}

scenario_tls12-rsa-cbc-sha1() {
    # TLS 1.2, AES128-SHA (RSA key exchange, AES-128-CBC, HMAC-SHA1), on the
    # port-8443 server, which refuses encrypt_then_mac (MAC-then-encrypt,
    # as most servers and browsers still do it).
    tls_curl tls12-rsa-cbc-sha1 --tlsv1.2 --tls-max 1.2 --ciphers AES128-SHA \
        --http1.1 -o "$RUN_DIR/rs1" "$TLS_BASE:8443/style.css"
    cmp "$RUN_DIR/rs1" "$CONTENT_DIR/style.css"
}

scenario_tls10-cbc-sha1() {
    # TLS 1.0, ECDHE-RSA-AES128-SHA: the MD5/SHA-1 PRF and CBC records
    # chained across records (no explicit IV), on the port-8444 server.
    tls_curl tls10-cbc-sha1 --tlsv1.0 --tls-max 1.0 \
        --ciphers "ECDHE-RSA-AES128-SHA:@SECLEVEL=0" \
        --http1.1 -o "$RUN_DIR/t10" "$TLS_BASE:8444/style.css"
    cmp "$RUN_DIR/t10" "$CONTENT_DIR/style.css"
}

scenario_tls11-rsa-cbc-sha1() {
    # TLS 1.1, AES256-SHA (RSA key exchange): the MD5/SHA-1 PRF with an
    # explicit IV per record.
    tls_curl tls11-rsa-cbc-sha1 --tlsv1.1 --tls-max 1.1 \
        --ciphers "AES256-SHA:@SECLEVEL=0" \
        --http1.1 -o "$RUN_DIR/t11" "$TLS_BASE:8444/data.json"
    cmp "$RUN_DIR/t11" "$CONTENT_DIR/data.json"
}

scenario_tls13-resume() {
    # TLS 1.3 session resumption: the server closes the first connection
    # (Connection: close), curl opens a second one with the session ticket
    # (PSK) it received; the key log has both connections' secrets.
    tls_curl tls13-resume --tlsv1.3 --http1.1 -H "Connection: close" \
        -o "$RUN_DIR/r1" -o "$RUN_DIR/r2" "$TLS_BASE/style.css" "$TLS_BASE/data.json"
    cmp "$RUN_DIR/r1" "$CONTENT_DIR/style.css"
    cmp "$RUN_DIR/r2" "$CONTENT_DIR/data.json"
}

scenario_tls12-resume-id() {
    # TLS 1.2 session-ID resumption on the port-8445 server (no tickets).
    tls_curl tls12-resume-id --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES256-GCM-SHA384 \
        --http1.1 -H "Connection: close" \
        -o "$RUN_DIR/ri1" -o "$RUN_DIR/ri2" "$TLS_BASE:8445/style.css" "$TLS_BASE:8445/data.json"
    cmp "$RUN_DIR/ri1" "$CONTENT_DIR/style.css"
    cmp "$RUN_DIR/ri2" "$CONTENT_DIR/data.json"
}

declare -A FILES=(
    [textbook]=textbook-visit.pcap
    [keepalive]=keepalive-3-requests.pcap
    [chunked]=chunked-gzip.pcap
    [post]=post-form.pcap
    [refused]=refused-rst.pcap
    [dns-tcp]=dns-over-tcp.pcap
    [dns-fragmented]=dns-ip-fragmented.pcap
    [ssh]=ssh-banner-kex.pcap
    [smtp]=smtp-one-message.pcap
    [ftp]=ftp-passive-retr.pcap
    [tls13-h2]=tls13-h2.pcap
    [tls13-chacha-h1]=tls13-chacha-h1.pcap
    [tls13-aes128-post-h2]=tls13-aes128-post-h2.pcap
    [tls12-gcm-h1]=tls12-gcm-h1.pcap
    [tls12-chacha-h2]=tls12-chacha-h2.pcap
    [tls12-cbc-sha384]=tls12-cbc-sha384.pcap
    [tls12-rsa-cbc-sha1]=tls12-rsa-cbc-sha1.pcap
    [tls10-cbc-sha1]=tls10-cbc-sha1.pcap
    [tls11-rsa-cbc-sha1]=tls11-rsa-cbc-sha1.pcap
    [tls13-resume]=tls13-resume.pcap
    [tls12-resume-id]=tls12-resume-id.pcap
)
ORDER=(textbook keepalive chunked post refused dns-tcp dns-fragmented ssh smtp ftp
    tls13-h2 tls13-chacha-h1 tls13-aes128-post-h2
    tls12-gcm-h1 tls12-chacha-h2 tls12-cbc-sha384 tls12-rsa-cbc-sha1
    tls10-cbc-sha1 tls11-rsa-cbc-sha1 tls13-resume tls12-resume-id)

main() {
    local which=("$@") s
    ((${#which[@]})) || which=("${ORDER[@]}")
    for s in "${which[@]}"; do
        [[ -n ${FILES[$s]:-} ]] || { echo "unknown scenario: $s" >&2; exit 2; }
    done

    install_deps
    trap on_exit EXIT
    trap 'exit 130' INT TERM
    teardown                     # leftovers from an interrupted run
    RUN_DIR="$(mktemp -d /tmp/wirelens-record.XXXXXX)"
    chmod 755 "$RUN_DIR"         # nginx workers run as nobody

    setup_net
    start_servers
    start_protocol_servers
    for s in "${which[@]}"; do
        record "$s" "${FILES[$s]}"
    done

    {
        echo "recorded on $(date -u +%Y-%m-%d) with:"
        echo "  kernel   $(uname -r)"
        echo "  $(nginx -v 2>&1)"
        echo "  $(curl --version | head -n1)"
        echo "  $(dnsmasq --version | head -n1)"
        echo "  $(tcpdump --version 2>&1 | head -n2 | paste -sd ' ')"
        echo "  $(ssh -V 2>&1 | head -n1) $(python3 --version)"
    } >&2
    for s in "${which[@]}"; do
        ls -l "$OUT_DIR/${FILES[$s]}" >&2
    done
}

main "$@"
