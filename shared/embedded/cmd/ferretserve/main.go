// Command ferretserve runs the embedded FerretDB (SQLite) as a server of
// its own, for the multi-process test: it prints the MongoDB URI on its
// first line of output and serves until interrupted. FerretDB loses
// concurrent updates of one document (PLATFORM.md), so it stands in for
// MongoDB only where no two writers touch one document.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"jinhui/shared/embedded"
)

func main() {
	dir := flag.String("dir", "./ferretdb", "SQLite 数据目录")
	flag.Parse()
	m, err := embedded.StartMongo(*dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretserve:", err)
		os.Exit(1)
	}
	fmt.Println(m.URI)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	m.Stop()
}
