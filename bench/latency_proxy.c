/*
 * latency_proxy: the checks benchmark's delaying DNS proxy (UDP and TCP), in C.
 *
 *   latency_proxy --listen ADDR:PORT --upstream ADDR:PORT --delay SECONDS [--lost-after SECONDS]
 *                 [--replay [--replay-entries N]]
 *
 * The behaviour bench/checks_bench.py relies on from tests/support/dns_proxy.py, for a fraction
 * of its CPU (the proxies share the two cores with the tool measured; a real network costs the
 * client host nothing for latency):
 *
 *  - every UDP query is held --delay seconds, then forwarded to the upstream under a fresh
 *    16-bit id; the answer goes back to the client's address under the client's id;
 *  - at most MAX_UPSTREAM forwarded queries wait for an answer at once (a burst of a thousand
 *    overflowed knotd's socket buffer); the rest wait in order, and a forwarded query unanswered
 *    after --lost-after seconds (0.01 to 60, default 1) frees its place when one is needed;
 *  - TCP on the same address and port: bytes relayed both ways, the client's delayed by --delay;
 *  - with --replay, a UDP answer the upstream gave (NOERROR or NXDOMAIN, not truncated, at most
 *    REPLAY_ANSWER_MAX bytes) is remembered, keyed by its query's bytes after the id (flags,
 *    question, EDNS: all the answer can depend on); a later identical query is answered from it
 *    after the same --delay, under its own id, without reaching the upstream. The remote
 *    servers' CPU is not the client host's: this keeps the harness's off the tool's cores;
 *  - prints one line starting with "proxy" once listening, and its counters on SIGTERM/SIGINT,
 *    then exits 0.
 *
 * One thread, epoll, non-blocking sockets, recvmmsg/sendmmsg batches and one timerfd. Delays are
 * all equal, so the delayed queries form a FIFO (a fixed ring, read into in place); what does
 * not fit is dropped and counted. Only loopback addresses (127.0.0.0/8, ::1) are accepted.
 *
 * Build: cc -O2 -Wall -Wextra -std=c11 -D_GNU_SOURCE -o latency_proxy latency_proxy.c
 */

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_UPSTREAM 128          /* forwarded and unanswered UDP queries, at most */
#define RING 4096                 /* delayed or waiting UDP queries */
#define QUERY_MAX 1024            /* bytes of one UDP query (larger ones are dropped, counted) */
#define BATCH 64                  /* datagrams per recvmmsg/sendmmsg call */
#define ANSWER_MAX 65536          /* bytes of one UDP answer */
#define SOCK_BUFFER (4 << 20)     /* SO_RCVBUF/SO_SNDBUF asked for (capped by rmem/wmem_max) */
#define MAX_CONNS 64              /* TCP connections at once; more wait in the listen backlog */
#define TCP_BUF 65536             /* bytes buffered each way per connection */
#define TCP_MARKS 64              /* delayed chunks per connection not yet due */
#define SHOWN 200                 /* characters of a bad value shown in a message */
#define REPLAY_SLOTS 65536        /* --replay: the open-addressing table's slots (a power of 2) */
#define REPLAY_ENTRIES 49152      /* answers remembered at most: 3/4 of the slots, short probes */
#define REPLAY_ANSWER_MAX 4096    /* bytes of a remembered answer (larger: forwarded each time) */
#define REPLAY_STORE (64 << 20)   /* bytes for the keys and answers remembered */

enum tag { T_DOWN, T_UP, T_LISTEN, T_TIMER, T_SIGNAL, T_CLIENT, T_UPSTREAM };

typedef union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
} address;

typedef struct {
    int64_t due;
    address from;
    socklen_t fromlen;
    uint16_t len;
    unsigned char data[QUERY_MAX];
} delayed_query;

typedef struct {
    int64_t sent;
    address client;
    socklen_t clientlen;
    unsigned char client_id[2];
    uint16_t prev, next; /* the send-order list of pending ids; 0 is its head and end */
    unsigned char used;
    unsigned char key;   /* --replay: the query's key, in keys[key] */
} pending_query;

typedef struct { /* --replay: one remembered answer; keylen 0: the slot is free */
    uint64_t hash;
    uint32_t at;     /* in store: the key, then the answer without its id */
    uint16_t keylen, answerlen;
} replay_entry;

typedef struct { /* --replay: a forwarded query's key, until its answer comes or it is lost */
    uint64_t hash;
    uint16_t len;
    unsigned char data[QUERY_MAX - 2];
} replay_key;

typedef struct {
    int64_t due;
    uint32_t upto; /* c2u bytes read so far when this chunk arrived */
} mark;

typedef struct {
    int client, upstream; /* -1: slot free */
    uint32_t gen;
    int connecting;
    int client_eof;   /* the client sent FIN: nothing more to read from it */
    int upstream_eof; /* the upstream sent FIN */
    int upstream_hup; /* the upstream is closed both ways: out of the epoll set, read directly */
    int up_shut, client_shut; /* our FIN sent (or nothing more can be sent) */
    uint32_t c2u_read, c2u_released, c2u_written; /* running totals */
    unsigned char c2u[TCP_BUF];
    mark marks[TCP_MARKS];
    unsigned mark_head, mark_count;
    unsigned char u2c[TCP_BUF];
    uint32_t u2c_len, u2c_off;
    uint32_t ev_client, ev_upstream; /* epoll interest set now */
} connection;

static struct {
    unsigned long long udp, tcp, answers, ring_full, too_large, unmatched, lost, send_failed;
    /* --replay: queries answered from memory, forwarded, answers remembered, and answers not
       remembered for their RCODE or TC bit, their size, a full table or store */
    unsigned long long hits, misses, remembered, not_rcode_tc, not_large, not_full;
} counters;

static int epfd, down_fd, up_fd, listen_fd, timer_fd, signal_fd;
static int64_t delay_ns, armed_at = -1;
static int64_t lost_ns = 1000000000LL; /* --lost-after: an unanswered query then frees its place */
static address upstream_addr;
static socklen_t upstream_len;

static delayed_query ring[RING];
static unsigned ring_head, ring_count;
static pending_query pending[65536];
static unsigned pending_count;
static uint16_t next_id;
static unsigned char answers[BATCH][ANSWER_MAX];
static connection conns[MAX_CONNS];
static unsigned conns_open;
static int replay;
static unsigned replay_limit = REPLAY_ENTRIES, replay_count;
static replay_entry table[REPLAY_SLOTS];
static unsigned char store[REPLAY_STORE];
static uint32_t store_used;
static replay_key keys[MAX_UPSTREAM];
static unsigned char free_keys[MAX_UPSTREAM];
static unsigned free_key_count;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "latency_proxy: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void watch(int fd, uint32_t events, uint64_t tag, int op) {
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    if (epoll_ctl(epfd, op, fd, &ev) < 0)
        die("epoll_ctl");
}

static uint64_t conn_tag(enum tag t, unsigned slot) {
    return (uint64_t)t | (uint64_t)slot << 8 | (uint64_t)conns[slot].gen << 32;
}

/* ---- command line ---- */

static void shown(char *out, size_t size, const char *value) {
    size_t n = strlen(value);
    if (n <= SHOWN)
        snprintf(out, size, "'%s'", value);
    else
        snprintf(out, size, "'%.*s...' (%zu characters)", SHOWN, value, n);
}

/* ADDR:PORT or [ADDR]:PORT, a loopback address; a message in problem when it is not. */
static int parse_address(const char *option, const char *value, int port_zero_ok, address *out,
                         socklen_t *outlen, char *problem, size_t size) {
    char host[64], value_shown[SHOWN + 64];
    const char *colon = strrchr(value, ':');
    size_t hostlen;
    char *end;
    long port;
    shown(value_shown, sizeof value_shown, value);
    if (colon == NULL || colon == value) {
        snprintf(problem, size, "%s: %s is not ADDR:PORT (allowed: 127.x.y.z:PORT or [::1]:PORT)",
                 option, value_shown);
        return -1;
    }
    hostlen = (size_t)(colon - value);
    if (value[0] == '[' && hostlen >= 2 && value[hostlen - 1] == ']') {
        value++;
        hostlen -= 2;
    }
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || errno || port < (port_zero_ok ? 0 : 1) ||
        port > 65535) {
        snprintf(problem, size, "%s: %s has no valid port (allowed: %d to 65535)", option,
                 value_shown, port_zero_ok ? 0 : 1);
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (hostlen < sizeof host) {
        memcpy(host, value, hostlen);
        host[hostlen] = '\0';
        if (inet_pton(AF_INET, host, &out->in4.sin_addr) == 1) {
            if ((ntohl(out->in4.sin_addr.s_addr) >> 24) != 127) {
                snprintf(problem, size,
                         "%s: %s is not a loopback address (allowed: 127.0.0.0/8 or ::1): this "
                         "proxy only binds and sends on loopback",
                         option, value_shown);
                return -1;
            }
            out->in4.sin_family = AF_INET;
            out->in4.sin_port = htons((uint16_t)port);
            *outlen = sizeof out->in4;
            return 0;
        }
        if (inet_pton(AF_INET6, host, &out->in6.sin6_addr) == 1) {
            if (!IN6_IS_ADDR_LOOPBACK(&out->in6.sin6_addr)) {
                snprintf(problem, size,
                         "%s: %s is not a loopback address (allowed: 127.0.0.0/8 or ::1): this "
                         "proxy only binds and sends on loopback",
                         option, value_shown);
                return -1;
            }
            out->in6.sin6_family = AF_INET6;
            out->in6.sin6_port = htons((uint16_t)port);
            *outlen = sizeof out->in6;
            return 0;
        }
    }
    snprintf(problem, size, "%s: %s has no IP address (allowed: 127.x.y.z:PORT or [::1]:PORT)",
             option, value_shown);
    return -1;
}

static void usage(FILE *to) {
    fputs("usage: latency_proxy --listen ADDR:PORT --upstream ADDR:PORT [--delay SECONDS]\n"
          "                     [--lost-after SECONDS] [--replay [--replay-entries N]]\n"
          "  ADDR: 127.0.0.0/8 or ::1 (written [::1]:PORT); --listen PORT 0 picks a free one;\n"
          "  --delay: 0 to 60 seconds added to every query (default 0);\n"
          "  --lost-after: 0.01 to 60 seconds after which a UDP query the upstream has not\n"
          "    answered frees its place among the 128 waiting on it (default 1);\n"
          "  --replay: answer a UDP query identical to one answered before (but for its id)\n"
          "    with the upstream's remembered answer, after the same delay;\n"
          "  --replay-entries: 1 to 49152 answers remembered at most (default 49152)\n",
          to);
}

static void parse_args(int argc, char **argv, address *listen_addr, socklen_t *listen_len) {
    const char *listen_s = NULL, *upstream_s = NULL, *delay_s = NULL, *lost_s = NULL;
    const char *entries_s = NULL;
    char problems[6][SHOWN * 2 + 256];
    int n = 0;
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(argv[i], "--replay") == 0) {
            replay = 1;
            continue;
        }
        if (strcmp(argv[i], "--listen") == 0)
            slot = &listen_s;
        else if (strcmp(argv[i], "--upstream") == 0)
            slot = &upstream_s;
        else if (strcmp(argv[i], "--delay") == 0)
            slot = &delay_s;
        else if (strcmp(argv[i], "--lost-after") == 0)
            slot = &lost_s;
        else if (strcmp(argv[i], "--replay-entries") == 0)
            slot = &entries_s;
        if (slot == NULL || i + 1 >= argc) {
            char value[SHOWN + 64];
            shown(value, sizeof value, argv[i]);
            fprintf(stderr, "latency_proxy: %s %s (allowed: --listen, --upstream, --delay, "
                            "--lost-after, --replay-entries, each with a value; --replay)\n",
                    slot ? "no value for" : "unknown argument", value);
            usage(stderr);
            exit(2);
        }
        *slot = argv[++i];
    }
    if (listen_s == NULL)
        snprintf(problems[n++], sizeof problems[0], "--listen: missing (ADDR:PORT)");
    else if (parse_address("--listen", listen_s, 1, listen_addr, listen_len, problems[n],
                           sizeof problems[0]) < 0)
        n++;
    if (upstream_s == NULL)
        snprintf(problems[n++], sizeof problems[0], "--upstream: missing (ADDR:PORT)");
    else if (parse_address("--upstream", upstream_s, 0, &upstream_addr, &upstream_len,
                           problems[n], sizeof problems[0]) < 0)
        n++;
    if (delay_s != NULL) {
        char *end;
        double d = strtod(delay_s, &end);
        if (end == delay_s || *end != '\0' || !isfinite(d) || d < 0 || d > 60) {
            char value[SHOWN + 64];
            shown(value, sizeof value, delay_s);
            snprintf(problems[n++], sizeof problems[0],
                     "--delay: %s is not a number of seconds from 0 to 60", value);
        } else {
            delay_ns = (int64_t)(d * 1e9 + 0.5);
        }
    }
    if (lost_s != NULL) {
        char *end;
        double d = strtod(lost_s, &end);
        if (end == lost_s || *end != '\0' || !isfinite(d) || d < 0.01 || d > 60) {
            char value[SHOWN + 64];
            shown(value, sizeof value, lost_s);
            snprintf(problems[n++], sizeof problems[0],
                     "--lost-after: %s is not a number of seconds from 0.01 to 60", value);
        } else {
            lost_ns = (int64_t)(d * 1e9 + 0.5);
        }
    }
    if (entries_s != NULL) {
        char *end, value[SHOWN + 64];
        long v;
        errno = 0;
        v = strtol(entries_s, &end, 10);
        shown(value, sizeof value, entries_s);
        if (end == entries_s || *end != '\0' || errno || v < 1 || v > REPLAY_ENTRIES)
            snprintf(problems[n++], sizeof problems[0],
                     "--replay-entries: %s is not a whole number from 1 to %d", value,
                     REPLAY_ENTRIES);
        else if (!replay)
            snprintf(problems[n++], sizeof problems[0],
                     "--replay-entries: %s given without --replay (allowed only with it)", value);
        else
            replay_limit = (unsigned)v;
    }
    for (int i = 0; i < n; i++)
        fprintf(stderr, "latency_proxy: %s\n", problems[i]);
    if (n) {
        usage(stderr);
        exit(2);
    }
}

/* ---- sockets ---- */

static void buffers(int fd) {
    int size = SOCK_BUFFER;
    /* the kernel caps both at rmem_max/wmem_max: room for a burst, whatever is allowed */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

static void address_text(const address *a, char *out, size_t size) {
    char host[INET6_ADDRSTRLEN];
    if (a->sa.sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &a->in6.sin6_addr, host, sizeof host);
        snprintf(out, size, "[%s]:%u", host, ntohs(a->in6.sin6_port));
    } else {
        inet_ntop(AF_INET, &a->in4.sin_addr, host, sizeof host);
        snprintf(out, size, "%s:%u", host, ntohs(a->in4.sin_port));
    }
}

/* The UDP socket and the TCP listener on one address and port (port 0: a free one for both). */
static void bind_listeners(address *listen_addr, socklen_t listen_len) {
    int any_port = listen_addr->in4.sin_port == 0; /* same offset in sockaddr_in6 */
    char where[80], udp[128], tcp[128];
    address_text(listen_addr, where, sizeof where);
    snprintf(udp, sizeof udp, "--listen %s: bind (UDP)", where);
    snprintf(tcp, sizeof tcp, "--listen %s: bind (TCP)", where);
    for (int attempt = 0; attempt < 20; attempt++) {
        int one = 1;
        address bound = *listen_addr;
        socklen_t len = listen_len;
        down_fd = socket(listen_addr->sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (down_fd < 0)
            die("socket");
        if (bind(down_fd, &listen_addr->sa, listen_len) < 0)
            die(udp);
        getsockname(down_fd, &bound.sa, &len);
        listen_fd = socket(listen_addr->sa.sa_family,
                           SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (listen_fd < 0)
            die("socket");
        setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(listen_fd, &bound.sa, len) == 0 && listen(listen_fd, 128) == 0) {
            *listen_addr = bound;
            buffers(down_fd);
            return;
        }
        if (!any_port || errno != EADDRINUSE)
            die(tcp);
        close(listen_fd);
        close(down_fd);
    }
    errno = EADDRINUSE;
    die("--listen: no port free for both UDP and TCP");
}

/* ---- UDP: the delay ring, the pending table ---- */

static void pending_unlink(uint16_t id) {
    pending_query *p = &pending[id];
    pending[p->prev].next = p->next;
    pending[p->next].prev = p->prev;
    p->used = 0;
    pending_count--;
    if (replay)
        free_keys[free_key_count++] = p->key;
}

static uint16_t fresh_id(void) {
    do
        next_id = (uint16_t)(next_id + 1);
    while (next_id == 0 || pending[next_id].used);
    return next_id;
}

static void send_all(int fd, struct mmsghdr *msgs, unsigned n) {
    unsigned i = 0;
    while (i < n) {
        int sent = sendmmsg(fd, msgs + i, n - i, MSG_NOSIGNAL);
        if (sent > 0) {
            i += (unsigned)sent;
        } else if (sent < 0 && errno == EINTR) {
            continue;
        } else { /* lost, as on a network: skip the datagram the kernel refused */
            counters.send_failed++;
            i++;
        }
    }
}

/* ---- --replay: the remembered answers ---- */

static uint64_t key_hash(const unsigned char *key, size_t len) {
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ key[i]) * 0x100000001b3ULL;
    return h ^ h >> 32; /* the slot is taken from the low bits */
}

/* The slot remembering this key, or the free slot where it would go (one is always free: at
   most REPLAY_ENTRIES of the REPLAY_SLOTS are used). */
static replay_entry *replay_slot(uint64_t hash, const unsigned char *key, uint16_t len) {
    for (uint32_t i = (uint32_t)hash;; i++) {
        replay_entry *e = &table[i & (REPLAY_SLOTS - 1)];
        if (e->keylen == 0 ||
            (e->hash == hash && e->keylen == len && memcmp(store + e->at, key, len) == 0))
            return e;
    }
}

/* Where the name at offset at of m (len bytes) ends, or 0 when it runs past the end. */
static size_t skip_name(const unsigned char *m, size_t len, size_t at) {
    while (at < len) {
        unsigned c = m[at];
        if (c == 0)
            return at + 1;
        if ((c & 0xc0) == 0xc0)
            return at + 2 <= len ? at + 2 : 0;
        if (c & 0xc0)
            return 0;
        at += 1 + c;
    }
    return 0;
}

/* The answer's RCODE with its OPT record's upper bits (BADVERS has 0 in the header's four);
   -1 when the message cannot be read. */
static int answer_rcode(const unsigned char *m, size_t len) {
    unsigned rcode, questions, records, additional;
    size_t at = 12;
    if (len < 12)
        return -1;
    rcode = m[3] & 0x0fu;
    questions = (unsigned)(m[4] << 8 | m[5]);
    records = (unsigned)(m[6] << 8 | m[7]) + (unsigned)(m[8] << 8 | m[9]);
    additional = (unsigned)(m[10] << 8 | m[11]);
    for (unsigned i = 0; i < questions; i++) {
        at = skip_name(m, len, at);
        if (at == 0 || at + 4 > len)
            return -1;
        at += 4;
    }
    for (unsigned i = 0; i < records + additional; i++) {
        at = skip_name(m, len, at);
        if (at == 0 || at + 10 > len)
            return -1;
        if (i >= records && (m[at] << 8 | m[at + 1]) == 41) /* OPT: its TTL's first byte */
            rcode |= (unsigned)m[at + 4] << 4;
        at += 10 + (size_t)(m[at + 8] << 8 | m[at + 9]);
        if (at > len)
            return -1;
    }
    return (int)rcode;
}

/* Remember answer a (len bytes) to the forwarded query whose key is k, when it may be. */
static void replay_remember(const replay_key *k, const unsigned char *a, size_t len) {
    replay_entry *e;
    int rcode = answer_rcode(a, len);
    if ((rcode != 0 && rcode != 3) || a[2] & 0x02) { /* not NOERROR or NXDOMAIN, or TC */
        counters.not_rcode_tc++;
        return;
    }
    if (len > REPLAY_ANSWER_MAX) {
        counters.not_large++;
        return;
    }
    e = replay_slot(k->hash, k->data, k->len);
    if (e->keylen)
        return; /* remembered since this one was forwarded: the same query twice in flight */
    if (replay_count >= replay_limit || REPLAY_STORE - store_used < k->len + len - 2) {
        counters.not_full++;
        return;
    }
    e->hash = k->hash;
    e->at = store_used;
    e->keylen = k->len;
    e->answerlen = (uint16_t)(len - 2);
    memcpy(store + store_used, k->data, k->len);
    memcpy(store + store_used + k->len, a + 2, len - 2);
    store_used += (uint32_t)(k->len + len - 2);
    replay_count++;
    counters.remembered++;
}

/* Forward the due queries at the head of the ring while places are free; with --replay, answer
   those remembered (they need no place). */
static void forward_due(int64_t now) {
    struct mmsghdr msgs[BATCH], hit_msgs[BATCH];
    struct iovec iov[BATCH], hit_iov[BATCH][2];
    unsigned n = BATCH, hits = 0;
    if (ring_count && pending_count >= MAX_UPSTREAM && ring[ring_head].due <= now) {
        while (pending_count && pending[pending[0].next].sent + lost_ns <= now) {
            pending_unlink(pending[0].next);
            counters.lost++;
        }
    }
    while (n == BATCH || hits == BATCH) { /* again while a batch was filled */
        n = hits = 0;
        while (n < BATCH && hits < BATCH && ring_count && ring[ring_head].due <= now) {
            delayed_query *q = &ring[ring_head];
            uint16_t id, keylen = (uint16_t)(q->len - 2);
            uint64_t hash = 0;
            pending_query *p;
            if (replay) {
                replay_entry *e;
                hash = key_hash(q->data + 2, keylen);
                e = replay_slot(hash, q->data + 2, keylen);
                if (e->keylen) { /* the remembered answer under the client's id */
                    unsigned char *answer = store + e->at + e->keylen;
                    hit_iov[hits][0] = (struct iovec){.iov_base = q->data, .iov_len = 2};
                    hit_iov[hits][1] = (struct iovec){.iov_base = answer, .iov_len = e->answerlen};
                    hit_msgs[hits] = (struct mmsghdr){.msg_hdr = {.msg_name = &q->from,
                                                                  .msg_namelen = q->fromlen,
                                                                  .msg_iov = hit_iov[hits],
                                                                  .msg_iovlen = 2}};
                    hits++;
                    ring_head = (ring_head + 1) % RING;
                    ring_count--;
                    continue;
                }
            }
            if (pending_count >= MAX_UPSTREAM)
                break;
            id = fresh_id();
            p = &pending[id];
            if (replay) {
                replay_key *k = &keys[p->key = free_keys[--free_key_count]];
                k->hash = hash;
                k->len = keylen;
                memcpy(k->data, q->data + 2, keylen);
                counters.misses++;
            }
            p->sent = now;
            p->client = q->from;
            p->clientlen = q->fromlen;
            memcpy(p->client_id, q->data, 2);
            p->used = 1;
            p->prev = pending[0].prev; /* append to the send-order list */
            p->next = 0;
            pending[p->prev].next = id;
            pending[0].prev = id;
            pending_count++;
            q->data[0] = (unsigned char)(id >> 8);
            q->data[1] = (unsigned char)id;
            iov[n] = (struct iovec){.iov_base = q->data, .iov_len = q->len};
            msgs[n] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[n], .msg_iovlen = 1}};
            n++;
            ring_head = (ring_head + 1) % RING;
            ring_count--;
        }
        counters.hits += hits;
        send_all(down_fd, hit_msgs, hits);
        send_all(up_fd, msgs, n); /* the slots sent are not reused before these return */
    }
}

static void read_queries(void) {
    static unsigned char scratch[BATCH][16];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (int rounds = 0; rounds < 8; rounds++) {
        unsigned room = RING - ring_count, n = room < BATCH ? room : BATCH, want = n ? n : BATCH;
        unsigned base = ring_head + ring_count, kept = 0;
        int got;
        for (unsigned i = 0; i < want; i++) {
            delayed_query *q = &ring[(base + i) % RING];
            iov[i] = n ? (struct iovec){.iov_base = q->data, .iov_len = QUERY_MAX}
                       : (struct iovec){.iov_base = scratch[i], .iov_len = sizeof scratch[i]};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = n ? &q->from : NULL,
                                                   .msg_namelen = n ? sizeof q->from : 0,
                                                   .msg_iov = &iov[i],
                                                   .msg_iovlen = 1}};
        }
        got = recvmmsg(down_fd, msgs, want, MSG_DONTWAIT, NULL);
        if (got <= 0)
            return; /* nothing more (EAGAIN), or an ICMP error: carry on */
        counters.udp += (unsigned)got;
        if (!n) { /* the ring is full: dropped */
            counters.ring_full += (unsigned)got;
            continue;
        }
        /* One clock reading after the batch: each query arrived before it, so it is still
           held at least --delay. */
        int64_t due = now_ns() + delay_ns;
        for (int i = 0; i < got; i++) {
            delayed_query *from = &ring[(base + (unsigned)i) % RING];
            delayed_query *to = &ring[(base + kept) % RING];
            if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
                counters.too_large++;
                continue;
            }
            if (msgs[i].msg_len < 12)
                continue; /* not a DNS message */
            if (to != from) { /* close the gap a dropped datagram left */
                to->from = from->from;
                memcpy(to->data, from->data, msgs[i].msg_len);
            }
            to->due = due;
            to->fromlen = msgs[i].msg_hdr.msg_namelen;
            to->len = (uint16_t)msgs[i].msg_len;
            kept++;
        }
        ring_count += kept;
        if ((unsigned)got < want)
            return;
    }
}

static void read_answers(void) {
    struct mmsghdr in[BATCH], out[BATCH];
    struct iovec iov_in[BATCH], iov_out[BATCH];
    for (int rounds = 0; rounds < 8; rounds++) {
        unsigned n = 0;
        int got;
        for (unsigned i = 0; i < BATCH; i++) {
            iov_in[i] = (struct iovec){.iov_base = answers[i], .iov_len = ANSWER_MAX};
            in[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov_in[i], .msg_iovlen = 1}};
        }
        got = recvmmsg(up_fd, in, BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0)
            return;
        for (int i = 0; i < got; i++) {
            unsigned char *a = answers[i];
            uint16_t id;
            pending_query *p;
            if (in[i].msg_len < 2) {
                counters.unmatched++;
                continue;
            }
            id = (uint16_t)(a[0] << 8 | a[1]);
            p = &pending[id];
            if (id == 0 || !p->used) {
                counters.unmatched++;
                continue;
            }
            if (replay)
                replay_remember(&keys[p->key], a, in[i].msg_len);
            memcpy(a, p->client_id, 2);
            iov_out[n] = (struct iovec){.iov_base = a, .iov_len = in[i].msg_len};
            out[n] = (struct mmsghdr){.msg_hdr = {.msg_name = &p->client,
                                                  .msg_namelen = p->clientlen,
                                                  .msg_iov = &iov_out[n],
                                                  .msg_iovlen = 1}};
            n++;
            pending_unlink(id); /* its address stays readable until the next forward */
        }
        counters.answers += n;
        send_all(down_fd, out, n);
        if (got < BATCH)
            return;
    }
}

/* ---- TCP ---- */

static void conn_close(unsigned slot) {
    connection *c = &conns[slot];
    close(c->client); /* closing takes them out of the epoll set */
    close(c->upstream);
    c->client = c->upstream = -1;
    c->gen++;
    if (conns_open-- == MAX_CONNS)
        watch(listen_fd, EPOLLIN, T_LISTEN, EPOLL_CTL_MOD);
}

/* Interest in each side from the buffers' state; epoll_ctl only when it changes. */
static void conn_update(unsigned slot) {
    connection *c = &conns[slot];
    uint32_t ev_client = 0, ev_upstream = 0;
    if (!c->client_eof && !c->up_shut && c->c2u_read - c->c2u_written < TCP_BUF &&
        c->mark_count < TCP_MARKS)
        ev_client |= EPOLLIN;
    if (c->u2c_len > c->u2c_off)
        ev_client |= EPOLLOUT;
    if (c->connecting || c->c2u_released != c->c2u_written)
        ev_upstream |= EPOLLOUT;
    if (!c->connecting && !c->upstream_eof && c->u2c_len < TCP_BUF)
        ev_upstream |= EPOLLIN;
    if (ev_client != c->ev_client) {
        watch(c->client, ev_client, conn_tag(T_CLIENT, slot), EPOLL_CTL_MOD);
        c->ev_client = ev_client;
    }
    if (!c->upstream_hup && ev_upstream != c->ev_upstream) {
        watch(c->upstream, ev_upstream, conn_tag(T_UPSTREAM, slot), EPOLL_CTL_MOD);
        c->ev_upstream = ev_upstream;
    }
}

static void accept_clients(void) {
    while (conns_open < MAX_CONNS) {
        unsigned slot = 0;
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), up;
        connection *c;
        if (fd < 0)
            return;
        up = socket(upstream_addr.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (up < 0) {
            close(fd);
            return;
        }
        if (connect(up, &upstream_addr.sa, upstream_len) < 0 && errno != EINPROGRESS) {
            close(fd);
            close(up);
            continue;
        }
        while (conns[slot].client >= 0)
            slot++;
        c = &conns[slot];
        c->client = fd;
        c->upstream = up;
        c->connecting = 1;
        c->client_eof = c->upstream_eof = c->upstream_hup = c->up_shut = c->client_shut = 0;
        c->c2u_read = c->c2u_released = c->c2u_written = 0;
        c->mark_head = c->mark_count = 0;
        c->u2c_len = c->u2c_off = 0;
        c->ev_client = EPOLLIN;
        c->ev_upstream = EPOLLOUT;
        watch(fd, c->ev_client, conn_tag(T_CLIENT, slot), EPOLL_CTL_ADD);
        watch(up, c->ev_upstream, conn_tag(T_UPSTREAM, slot), EPOLL_CTL_ADD);
        counters.tcp++;
        if (++conns_open == MAX_CONNS)
            watch(listen_fd, 0, T_LISTEN, EPOLL_CTL_MOD);
    }
}

/* What the upstream sent, while there is room for it; 0 on a failure. */
static int upstream_read(connection *c) {
    while (!c->upstream_eof && c->u2c_len < TCP_BUF) {
        ssize_t n = recv(c->upstream, c->u2c + c->u2c_len, TCP_BUF - c->u2c_len, 0);
        if (n > 0)
            c->u2c_len += (uint32_t)n;
        else if (n == 0)
            c->upstream_eof = 1;
        else
            return errno == EAGAIN || errno == EINTR;
    }
    return 1;
}

/* Write what is due to the upstream and the upstream's bytes to the client, send each FIN
   when its side is done; 0 once the connection is closed. */
static int conn_flush(unsigned slot) {
    connection *c = &conns[slot];
    while (!c->connecting && !c->up_shut && c->c2u_released != c->c2u_written) {
        uint32_t at = c->c2u_written % TCP_BUF, left = c->c2u_released - c->c2u_written;
        uint32_t chunk = left < TCP_BUF - at ? left : TCP_BUF - at;
        ssize_t n = send(c->upstream, c->c2u + at, chunk, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        if (n <= 0) {
            conn_close(slot);
            return 0;
        }
        c->c2u_written += (uint32_t)n;
    }
    if (c->client_eof && !c->up_shut && c->mark_count == 0 && c->c2u_written == c->c2u_read) {
        shutdown(c->upstream, SHUT_WR);
        c->up_shut = 1;
    }
    for (;;) {
        while (c->u2c_off < c->u2c_len) {
            ssize_t n = send(c->client, c->u2c + c->u2c_off, c->u2c_len - c->u2c_off,
                             MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            if (n <= 0) {
                conn_close(slot);
                return 0;
            }
            c->u2c_off += (uint32_t)n;
        }
        if (c->u2c_off < c->u2c_len)
            break;
        c->u2c_off = c->u2c_len = 0;
        if (!c->upstream_hup || c->upstream_eof)
            break;
        if (!upstream_read(c)) { /* out of the epoll set: read here, as room comes */
            conn_close(slot);
            return 0;
        }
    }
    if (c->upstream_eof && c->u2c_len == 0 && !c->client_shut) {
        shutdown(c->client, SHUT_WR);
        c->client_shut = 1;
    }
    if (c->up_shut && c->client_shut) {
        conn_close(slot);
        return 0;
    }
    return 1;
}

static void conn_release_due(unsigned slot, int64_t now) {
    connection *c = &conns[slot];
    while (c->mark_count && c->marks[c->mark_head].due <= now) {
        c->c2u_released = c->marks[c->mark_head].upto;
        c->mark_head = (c->mark_head + 1) % TCP_MARKS;
        c->mark_count--;
    }
}

static void conn_event(unsigned slot, enum tag side, uint32_t events) {
    connection *c = &conns[slot];
    if (events & EPOLLERR || (side == T_CLIENT && events & EPOLLHUP) ||
        (side == T_UPSTREAM && c->connecting && events & EPOLLHUP)) {
        conn_close(slot); /* a reset, a refused connection, or a client gone both ways */
        return;
    }
    if (side == T_UPSTREAM) {
        c->connecting = 0;
        if (events & EPOLLHUP) { /* the upstream closed both ways: nothing more goes to it */
            watch(c->upstream, 0, 0, EPOLL_CTL_DEL);
            c->upstream_hup = c->up_shut = 1;
            c->mark_count = 0;
            c->c2u_released = c->c2u_written = c->c2u_read;
        }
        if (!upstream_read(c)) {
            conn_close(slot);
            return;
        }
    } else if (events & EPOLLIN && !c->client_eof) {
        uint32_t used = c->c2u_read - c->c2u_written;
        if (used < TCP_BUF && c->mark_count < TCP_MARKS) {
            uint32_t at = c->c2u_read % TCP_BUF, room = TCP_BUF - used;
            ssize_t n = recv(c->client, c->c2u + at, room < TCP_BUF - at ? room : TCP_BUF - at, 0);
            if (n > 0) {
                mark *m = &c->marks[(c->mark_head + c->mark_count) % TCP_MARKS];
                c->c2u_read += (uint32_t)n;
                m->due = now_ns() + delay_ns;
                m->upto = c->c2u_read;
                c->mark_count++;
            } else if (n == 0) {
                c->client_eof = 1;
            } else if (errno != EAGAIN && errno != EINTR) {
                conn_close(slot);
                return;
            }
        }
    }
    if (conn_flush(slot))
        conn_update(slot);
}

/* ---- the loop ---- */

/* The next moment something is due: the ring's head, a lost query's place, a TCP chunk. */
static int64_t next_deadline(int64_t now) {
    int64_t next = -1;
    if (ring_count) {
        int64_t due = ring[ring_head].due;
        if (due > now)
            next = due;
        else if (pending_count >= MAX_UPSTREAM)
            next = pending[pending[0].next].sent + lost_ns;
    }
    for (unsigned slot = 0; conns_open && slot < MAX_CONNS; slot++) {
        connection *c = &conns[slot];
        if (c->client >= 0 && c->mark_count) {
            int64_t due = c->marks[c->mark_head].due;
            if (next < 0 || due < next)
                next = due;
        }
    }
    return next;
}

static void arm(int64_t at) {
    struct itimerspec spec = {0};
    if (at == armed_at)
        return;
    if (at >= 0) {
        spec.it_value.tv_sec = at / 1000000000LL;
        spec.it_value.tv_nsec = at % 1000000000LL;
        if (at == 0)
            spec.it_value.tv_nsec = 1; /* 0 would disarm */
    }
    if (timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &spec, NULL) < 0)
        die("timerfd_settime");
    armed_at = at;
}

static void on_timer(int64_t now) {
    uint64_t expirations;
    if (read(timer_fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
        die("read (timerfd)");
    armed_at = -1; /* a one-shot timer that fired is disarmed */
    for (unsigned slot = 0; conns_open && slot < MAX_CONNS; slot++) {
        if (conns[slot].client >= 0 && conns[slot].mark_count) {
            conn_release_due(slot, now);
            if (conn_flush(slot))
                conn_update(slot);
        }
    }
}

int main(int argc, char **argv) {
    address listen_addr;
    socklen_t listen_len = 0;
    sigset_t stop;
    char listen_text[80], upstream_text[80];
    parse_args(argc, argv, &listen_addr, &listen_len);
    for (unsigned slot = 0; slot < MAX_CONNS; slot++)
        conns[slot].client = conns[slot].upstream = -1;
    for (unsigned k = 0; k < MAX_UPSTREAM; k++)
        free_keys[free_key_count++] = (unsigned char)k;

    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal_fd = signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC);
    timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (signal_fd < 0 || timer_fd < 0 || epfd < 0)
        die("signalfd/timerfd/epoll");

    bind_listeners(&listen_addr, listen_len);
    up_fd = socket(upstream_addr.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (up_fd < 0)
        die("socket");
    if (connect(up_fd, &upstream_addr.sa, upstream_len) < 0)
        die("connect (UDP upstream)");
    buffers(up_fd);

    watch(down_fd, EPOLLIN, T_DOWN, EPOLL_CTL_ADD);
    watch(up_fd, EPOLLIN, T_UP, EPOLL_CTL_ADD);
    watch(listen_fd, EPOLLIN, T_LISTEN, EPOLL_CTL_ADD);
    watch(timer_fd, EPOLLIN, T_TIMER, EPOLL_CTL_ADD);
    watch(signal_fd, EPOLLIN, T_SIGNAL, EPOLL_CTL_ADD);

    address_text(&listen_addr, listen_text, sizeof listen_text);
    address_text(&upstream_addr, upstream_text, sizeof upstream_text);
    printf("proxy %s -> %s delay %g%s\n", listen_text, upstream_text, (double)delay_ns / 1e9,
           replay ? " replay" : "");
    fflush(stdout);

    for (;;) {
        struct epoll_event events[64];
        int n = epoll_wait(epfd, events, 64, -1), stopping = 0;
        int64_t now;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            uint64_t tag = events[i].data.u64;
            enum tag t = (enum tag)(tag & 0xff);
            unsigned slot = (unsigned)(tag >> 8 & 0xffffff);
            if (t == T_DOWN)
                read_queries();
            else if (t == T_UP)
                read_answers();
            else if (t == T_LISTEN)
                accept_clients();
            else if (t == T_TIMER)
                on_timer(now_ns());
            else if (t == T_SIGNAL)
                stopping = 1;
            else if (conns[slot].client >= 0 && conns[slot].gen == (uint32_t)(tag >> 32))
                conn_event(slot, t, events[i].events);
        }
        if (stopping)
            break;
        now = now_ns();
        forward_due(now);
        arm(next_deadline(now));
    }
    printf("queries udp=%llu tcp=%llu answers=%llu ring_full=%llu too_large=%llu "
           "unmatched=%llu lost=%llu send_failed=%llu\n",
           counters.udp, counters.tcp, counters.answers, counters.ring_full, counters.too_large,
           counters.unmatched, counters.lost, counters.send_failed);
    if (replay)
        printf("replay hits=%llu misses=%llu remembered=%llu other_rcode_or_tc=%llu "
               "answer_too_large=%llu table_full=%llu\n",
               counters.hits, counters.misses, counters.remembered, counters.not_rcode_tc,
               counters.not_large, counters.not_full);
    fflush(stdout);
    return 0;
}
