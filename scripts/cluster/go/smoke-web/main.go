// The smoke check's workload: answers with the pod's name, resolves a name with the pod's DNS
// (/lookup?name=), fetches a URL from inside the pod (/fetch?url=), and writes a file into its
// volume (/write), so one image shows scheduling, Services, cluster DNS and storage at work.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	host, _ := os.Hostname()
	// A new connection per request, so that each one goes through the Service's load balancing.
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintf(w, "%s\n", host) })
	http.HandleFunc("/lookup", func(w http.ResponseWriter, r *http.Request) {
		addrs, err := net.LookupHost(r.URL.Query().Get("name"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintln(w, strings.Join(addrs, " "))
	})
	http.HandleFunc("/fetch", func(w http.ResponseWriter, r *http.Request) {
		res, err := client.Get(r.URL.Query().Get("url"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		io.Copy(w, io.LimitReader(res.Body, 4096))
	})
	http.HandleFunc("/write", func(w http.ResponseWriter, _ *http.Request) {
		file := filepath.Join(os.Getenv("DATA_DIR"), host)
		if err := os.WriteFile(file, []byte(host), 0o644); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, file)
	})
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
