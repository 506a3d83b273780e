// The pod sandbox ("pause") process: holds the pod's namespaces until the runtime stops it, and,
// as PID 1 of a shared PID namespace, reaps orphaned children. registry.k8s.io/pause does the same
// in C; it cannot be pulled here, so containerd's sandbox_image names this one.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			return
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
