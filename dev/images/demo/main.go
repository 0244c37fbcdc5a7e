// berth-demo is the one program of Berth's demo and test images: a small web server
// (the web image) and the client side of the tests (the client image): downloads with
// exact byte counts, TCP reachability probes, name lookups and CPU load. It uses the
// standard library only, so it builds from the Go toolchain alone.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

const usage = `usage: berth-demo <command> [flags]

  serve   [-listen :8080]                 serve / (a page), /bytes/<n> (n bytes), /peer (the
                                          client's address as seen), /conn/<ip:port or fetch id>
                                          (tcp_info of that closed connection), /healthz
  fetch   [-expect n] [-body] <url>       download <url>; print status, bytes, seconds and the
                                          connection's kernel counters (tcp_info) as JSON
  connect [-timeout 3s] <host:port>       open a TCP connection; exit 0 if it opened
  lookup  <name>                          resolve a name; print its addresses as JSON
  burn    [-delay 0s] [-seconds 5] [-mem-mib 0] [-io-mib 0] [-io-file /tmp/berth-burn] [-fail-first marker]
                                          touch memory, write and read a file with O_DIRECT,
                                          then keep one CPU busy (0 seconds: until stopped)
  udp-echo  -bind addr -port n            answer every datagram
  udp-ping  -dst addr -port n -size b [-count k | -duration d]
                                          send datagrams one at a time, each awaiting its echo
  udp-sink  -bind addr -port n            receive datagrams
  udp-flood -dst addr -port n -size b -duration d
                                          send datagrams as fast as possible
  tcp-sink  -bind addr -port n            receive TCP streams, count their bytes
  tcp-send  -dst addr -port n -bytes b    send b bytes over one TCP connection; print its tcp_info
  sleep                                   wait until stopped

Every command that moves data prints one JSON line with what it did.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	args := os.Args[2:]
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(args)
	case "fetch":
		err = fetch(args)
	case "connect":
		err = connect(args)
	case "lookup":
		err = lookup(args)
	case "burn":
		err = burn(args)
	case "udp-echo":
		err = udpEcho(args)
	case "udp-ping":
		err = udpPing(args)
	case "udp-sink":
		err = udpSink(args)
	case "udp-flood":
		err = udpFlood(args)
	case "tcp-sink":
		err = tcpSink(args)
	case "tcp-send":
		err = tcpSend(args)
	case "sleep":
		err = sleep()
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "berth-demo:", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	listen := fs.String("listen", ":8080", "address to listen on")
	fs.Parse(args)
	host, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>Berth demo</title><h1>Hello from Berth</h1><p>Served by %s.</p>\n",
			html.EscapeString(host))
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	// The address the request came from, as this server saw it (tests of address translation).
	mux.HandleFunc("/peer", func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		io.WriteString(w, host)
	})
	mux.HandleFunc("/bytes/", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/bytes/"), 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "want /bytes/<a whole number of bytes>", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		writeBytes(w, n)
	})
	// The kernel's counters of each connection as it closed, by the client's address: what this server's
	// side put on the wire (retransmissions included), for tests that compare a meter with it.
	closed := &closedConns{byPeer: map[string]map[string]any{}}
	mux.HandleFunc("/conn/", func(w http.ResponseWriter, r *http.Request) {
		info, ok := closed.get(strings.TrimPrefix(r.URL.Path, "/conn/"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(info)
	})
	// A fetch names its connection (X-Berth-Fetch), so that it can be found behind address translation.
	named := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(connKey{}).(*drainedConn); ok && r.Header.Get("X-Berth-Fetch") != "" {
			c.name(r.Header.Get("X-Berth-Fetch"))
		}
		mux.ServeHTTP(w, r)
	})
	server := &http.Server{Addr: *listen, Handler: named, ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		}}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(shutdown)
	}()
	fmt.Println("listening on", *listen)
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if err := server.Serve(&countingListener{Listener: listener, closed: closed}); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// writeBytes sends n bytes of a repeating pattern, in 64 KiB writes.
func writeBytes(w io.Writer, n int64) {
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	for n > 0 {
		part := chunk
		if n < int64(len(part)) {
			part = part[:n]
		}
		written, err := w.Write(part)
		if err != nil {
			return
		}
		n -= int64(written)
	}
}

func fetch(args []string) error {
	fs := flag.NewFlagSet("fetch", flag.ExitOnError)
	expect := fs.Int64("expect", -1, "fail unless exactly this many bytes arrive")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	body := fs.Bool("body", false, "print the body (up to 4 KiB) in the report")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("fetch wants one URL")
	}
	url := fs.Arg(0)
	// One connection, whose kernel counters are read as it closes, once the body is in.
	conn := &countedConn{closed: make(chan struct{})}
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	transport := &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			conn.Conn = c
			return conn, err
		}}
	client := &http.Client{Timeout: *timeout, Transport: transport}
	id := strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.Itoa(os.Getpid())
	request, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	request.Header.Set("X-Berth-Fetch", id)
	start := time.Now()
	resp, err := client.Do(request)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var kept strings.Builder
	sink := io.Writer(io.Discard)
	if *body {
		sink = &limited{w: &kept, left: 4096}
	}
	n, err := io.Copy(sink, resp.Body)
	if err != nil {
		return fmt.Errorf("reading %s after %d bytes: %w", url, n, err)
	}
	result := map[string]any{"url": url, "status": resp.StatusCode, "bytes": n,
		"seconds": time.Since(start).Seconds(), "local": conn.LocalAddr().String(), "id": id}
	resp.Body.Close()
	transport.CloseIdleConnections()
	select { // the transport closes the connection in its own goroutine
	case <-conn.closed:
	case <-time.After(5 * time.Second):
		conn.err = errors.New("the connection did not close")
	}
	if conn.err == nil {
		result["tcp"] = conn.info
	} else {
		result["tcp_error"] = conn.err.Error()
	}
	if *body {
		result["body"] = kept.String()
	}
	report(result)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	if *expect >= 0 && n != *expect {
		return fmt.Errorf("%s sent %d bytes, %d expected", url, n, *expect)
	}
	return nil
}

// closedConns keeps the tcp_info of the last connections that closed, by peer address.
type closedConns struct {
	mu     sync.Mutex
	byPeer map[string]map[string]any
	order  []string
}

func (c *closedConns) put(peer string, info map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, seen := c.byPeer[peer]; !seen {
		c.order = append(c.order, peer)
	}
	c.byPeer[peer] = info
	for len(c.order) > 1000 {
		delete(c.byPeer, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *closedConns) get(peer string) (map[string]any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	info, ok := c.byPeer[peer]
	return info, ok
}

type countingListener struct {
	net.Listener
	closed *closedConns
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &drainedConn{Conn: c, closed: l.closed}, nil
}

// drainedConn, on Close, sends its FIN after the data and waits for the peer's (so that every byte it
// sent is acknowledged) before it reads the connection's counters and closes.
type drainedConn struct {
	net.Conn
	closed *closedConns
	once   sync.Once
	mu     sync.Mutex
	id     string
}

type connKey struct{}

func (c *drainedConn) name(id string) {
	c.mu.Lock()
	c.id = id
	c.mu.Unlock()
}

func (c *drainedConn) Close() error {
	c.once.Do(func() {
		if tcp, ok := c.Conn.(*net.TCPConn); ok {
			tcp.CloseWrite()
			tcp.SetReadDeadline(time.Now().Add(10 * time.Second))
			io.Copy(io.Discard, tcp)
			if info, err := tcpInfo(tcp); err == nil {
				c.closed.put(tcp.RemoteAddr().String(), info)
				c.mu.Lock()
				if c.id != "" {
					c.closed.put(c.id, info)
				}
				c.mu.Unlock()
			}
		}
	})
	return c.Conn.Close()
}

// countedConn keeps the connection's tcp_info from just before it closed.
type countedConn struct {
	net.Conn
	info   map[string]any
	err    error
	once   sync.Once
	closed chan struct{}
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.info, c.err = tcpInfo(c.Conn)
		close(c.closed)
	})
	return c.Conn.Close()
}

// tcpInfo reads the kernel's counters of a TCP connection (struct tcp_info, Linux 4.19+):
// what a test compares a meter with, since how many segments carry a payload depends on
// timing (TSO, write sizes, retransmissions), not on the payload alone.
func tcpInfo(conn net.Conn) (map[string]any, error) {
	tcp, ok := conn.(*net.TCPConn)
	if !ok {
		return nil, errors.New("not a TCP connection")
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		return nil, err
	}
	var buf [232]byte
	size := uint32(len(buf))
	var errno syscall.Errno
	if err := raw.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, syscall.IPPROTO_TCP, syscall.TCP_INFO,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)), 0)
	}); err != nil {
		return nil, err
	}
	if errno != 0 {
		return nil, errno
	}
	if size < 224 {
		return nil, fmt.Errorf("tcp_info of %d bytes: kernel too old", size)
	}
	u32 := func(off int) uint32 { return *(*uint32)(unsafe.Pointer(&buf[off])) }
	u64 := func(off int) uint64 { return *(*uint64)(unsafe.Pointer(&buf[off])) }
	const timestamps = 2 // TCPI_OPT_TIMESTAMPS in tcpi_options
	return map[string]any{
		"timestamps":     buf[5]&timestamps != 0,
		"bytes_received": u64(128),
		"segs_out":       u32(136),
		"segs_in":        u32(140),
		"data_segs_in":   u32(152),
		"bytes_sent":     u64(200),
		"total_retrans":  u32(100),
	}, nil
}

func connect(args []string) error {
	fs := flag.NewFlagSet("connect", flag.ExitOnError)
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("connect wants one host:port")
	}
	conn, err := net.DialTimeout("tcp", fs.Arg(0), *timeout)
	if err != nil {
		var netErr net.Error
		switch {
		case errors.As(err, &netErr) && netErr.Timeout():
			fmt.Println("timeout")
		case errors.Is(err, syscall.ECONNREFUSED):
			fmt.Println("refused")
		default:
			fmt.Println("error")
		}
		return err
	}
	conn.Close()
	fmt.Println("open")
	return nil
}

func lookup(args []string) error {
	if len(args) != 1 {
		return errors.New("lookup wants one name")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, args[0])
	if err != nil {
		return err
	}
	report(map[string]any{"name": args[0], "addresses": addrs})
	return nil
}

func burn(args []string) error {
	fs := flag.NewFlagSet("burn", flag.ExitOnError)
	seconds := fs.Float64("seconds", 5, "how long to keep a CPU busy; 0: until stopped")
	memMiB := fs.Int("mem-mib", 0, "MiB of memory to touch and keep")
	ioMiB := fs.Int("io-mib", 0, "MiB to write and read back with O_DIRECT")
	ioFile := fs.String("io-file", "/tmp/berth-burn", "file for the IO")
	delay := fs.Duration("delay", 0, "wait this long first")
	failFirst := fs.String("fail-first", "", "a marker file: the run that does not find it makes it and exits 1")
	fs.Parse(args)
	time.Sleep(*delay)
	// Every page touched, so the memory is in the working set; kept until exit.
	block := make([]byte, *memMiB<<20)
	for i := 0; i < len(block); i += 4096 {
		block[i] = 1
	}
	if *ioMiB > 0 {
		if err := directIO(*ioFile, *ioMiB); err != nil {
			return err
		}
	}
	report(map[string]any{"ready": true, "pid": os.Getpid(), "mem_mib": *memMiB, "io_mib": *ioMiB})
	var deadline time.Time
	if *seconds > 0 {
		deadline = time.Now().Add(time.Duration(*seconds * float64(time.Second)))
	}
	x := uint64(1)
	for deadline.IsZero() || time.Now().Before(deadline) {
		for i := 0; i < 100000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	report(map[string]any{"burnt_seconds": *seconds, "x": x % 2, "kept": len(block)})
	if *failFirst != "" {
		if _, err := os.Stat(*failFirst); os.IsNotExist(err) {
			if err := os.WriteFile(*failFirst, []byte("ran\n"), 0o600); err != nil {
				return err
			}
			os.Exit(1)
		}
	}
	return nil
}

// directIO writes and reads back n MiB around the page cache, so the block layer
// (and the cgroup's IO accounting) sees every byte.
func directIO(path string, n int) error {
	buf := alignedBuffer(1 << 20)
	for i := range buf {
		buf[i] = 'i'
	}
	w, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|syscall.O_DIRECT, 0o600)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if _, err := w.Write(buf); err != nil {
			w.Close()
			return err
		}
	}
	w.Close()
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECT, 0)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if _, err := io.ReadFull(r, buf); err != nil {
			r.Close()
			return err
		}
	}
	r.Close()
	return os.Remove(path)
}

// alignedBuffer returns size bytes aligned to 4096, as O_DIRECT asks.
func alignedBuffer(size int) []byte {
	raw := make([]byte, size+4096)
	offset := 0
	if rem := int(uintptr(unsafe.Pointer(&raw[0])) & 4095); rem != 0 {
		offset = 4096 - rem
	}
	return raw[offset : offset+size]
}

func report(values map[string]any) {
	out, _ := json.Marshal(values)
	fmt.Println(string(out))
}

func udpConn(bind string, port int) (*net.UDPConn, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(bind), Port: port})
	if err != nil {
		return nil, err
	}
	conn.SetReadBuffer(8 << 20)
	return conn, nil
}

func udpEcho(args []string) error { return udpServe("udp-echo", args, true) }

func udpSink(args []string) error { return udpServe("udp-sink", args, false) }

// udpServe reads datagrams until the socket fails, echoing each back to its sender if echo is set.
func udpServe(name string, args []string, echo bool) error {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	bind := fs.String("bind", "0.0.0.0", "address to listen on")
	port := fs.Int("port", 7000, "port")
	fs.Parse(args)
	conn, err := udpConn(*bind, *port)
	if err != nil {
		return err
	}
	report(map[string]any{"ready": true, "pid": os.Getpid()})
	buf := make([]byte, 65535)
	for {
		n, peer, err := conn.ReadFromUDP(buf)
		if err != nil {
			return err
		}
		if echo {
			conn.WriteToUDP(buf[:n], peer)
		}
	}
}

// udpPing sends one datagram at a time and waits for its echo before the next, so
// nothing is dropped for lack of buffer: sent == echoed on both sides.
func udpPing(args []string) error {
	fs := flag.NewFlagSet("udp-ping", flag.ExitOnError)
	dst := fs.String("dst", "", "echo's address")
	port := fs.Int("port", 7000, "echo's port")
	size := fs.Int("size", 1000, "payload bytes per datagram")
	count := fs.Int("count", 0, "datagrams to send")
	duration := fs.Duration("duration", 0, "or send for this long")
	gap := fs.Duration("gap", 0, "pause between datagrams")
	fs.Parse(args)
	conn, err := net.Dial("udp", net.JoinHostPort(*dst, strconv.Itoa(*port)))
	if err != nil {
		return err
	}
	defer conn.Close()
	payload := make([]byte, *size)
	for i := range payload {
		payload[i] = 'b'
	}
	buf := make([]byte, 65535)
	deadline := time.Now().Add(*duration)
	sent, echoed, lost := 0, 0, 0
	for (*duration == 0 && sent < *count) || (*duration > 0 && time.Now().Before(deadline)) {
		if _, err := conn.Write(payload); err != nil {
			return err
		}
		sent++
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := conn.Read(buf)
		if err == nil && n == *size {
			echoed++
		} else {
			lost++
		}
		if *gap > 0 {
			time.Sleep(*gap)
		}
	}
	report(map[string]any{"sent": sent, "echoed": echoed, "lost": lost, "size": *size})
	return nil
}

func udpFlood(args []string) error {
	fs := flag.NewFlagSet("udp-flood", flag.ExitOnError)
	dst := fs.String("dst", "", "sink's address")
	port := fs.Int("port", 7000, "sink's port")
	size := fs.Int("size", 64, "payload bytes per datagram")
	duration := fs.Duration("duration", 10*time.Second, "how long")
	fs.Parse(args)
	conn, err := net.Dial("udp", net.JoinHostPort(*dst, strconv.Itoa(*port)))
	if err != nil {
		return err
	}
	defer conn.Close()
	payload := make([]byte, *size)
	sent := 0
	deadline := time.Now().Add(*duration)
	for time.Now().Before(deadline) {
		for i := 0; i < 1000; i++ {
			if _, err := conn.Write(payload); err == nil {
				sent++
			}
		}
	}
	report(map[string]any{"sent": sent, "size": *size})
	return nil
}

func tcpSink(args []string) error {
	fs := flag.NewFlagSet("tcp-sink", flag.ExitOnError)
	bind := fs.String("bind", "0.0.0.0", "address to listen on")
	port := fs.Int("port", 7001, "port")
	fs.Parse(args)
	l, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*port)))
	if err != nil {
		return err
	}
	report(map[string]any{"ready": true, "pid": os.Getpid()})
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go func(c net.Conn) {
			n, _ := io.Copy(io.Discard, c)
			c.Close()
			report(map[string]any{"received": n})
		}(c)
	}
}

func tcpSend(args []string) error {
	fs := flag.NewFlagSet("tcp-send", flag.ExitOnError)
	dst := fs.String("dst", "", "sink's address")
	port := fs.Int("port", 7001, "sink's port")
	total := fs.Int64("bytes", 1<<20, "bytes to send")
	fs.Parse(args)
	c, err := net.Dial("tcp", net.JoinHostPort(*dst, strconv.Itoa(*port)))
	if err != nil {
		return err
	}
	n, err := io.Copy(c, io.LimitReader(pattern{}, *total))
	if err != nil {
		return err
	}
	c.(*net.TCPConn).CloseWrite()
	io.Copy(io.Discard, c) // the sink closes once it has read everything: all of it is acknowledged
	result := map[string]any{"sent": n}
	if info, err := tcpInfo(c); err == nil {
		result["tcp"] = info
	} else {
		result["tcp_error"] = err.Error()
	}
	c.Close()
	report(result)
	return nil
}

// limited keeps the first bytes written to it and counts the rest.
type limited struct {
	w    io.Writer
	left int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.left > 0 {
		keep := p
		if len(keep) > l.left {
			keep = keep[:l.left]
		}
		l.w.Write(keep)
		l.left -= len(keep)
	}
	return len(p), nil
}

// pattern reads as an endless run of one letter.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 't'
	}
	return len(p), nil
}

func sleep() error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	return nil
}
