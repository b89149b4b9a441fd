// Reads JSON strings, one per line, and prints "ok" or the error of Go's regexp.Compile of
// the anchored form Prometheus compiles (model/relabel: "^(?s:" + regex + ")$").
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var re string
		if err := json.Unmarshal(in.Bytes(), &re); err != nil {
			fmt.Fprintln(out, "bad input")
			continue
		}
		if _, err := regexp.Compile("^(?s:" + re + ")$"); err != nil {
			fmt.Fprintln(out, "error")
		} else {
			fmt.Fprintln(out, "ok")
		}
	}
}
