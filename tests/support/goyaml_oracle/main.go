// Reads YAML documents (one JSON string per line) and decodes each as Juju decodes a pod spec:
// YAML to JSON with sigs.k8s.io/yaml (which k8s.io/apimachinery's yaml.ToJSON calls, and which
// resolves plain scalars with go-yaml v2), then encoding/json with UseNumber and
// DisallowUnknownFields into string fields (juju caas/kubernetes/provider/specs/decode.go).
// Writes one JSON object per document: {"value": <password>} or {"error": <message>}.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"

	"sigs.k8s.io/yaml"
)

type imageDetails struct {
	Password string `json:"password"`
}

func decode(doc []byte) map[string]string {
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	decoder := json.NewDecoder(bytes.NewReader(js))
	decoder.UseNumber()
	decoder.DisallowUnknownFields()
	var details imageDetails
	if err := decoder.Decode(&details); err != nil {
		return map[string]string{"error": err.Error()}
	}
	return map[string]string{"value": details.Password}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var doc string
		if err := json.Unmarshal(in.Bytes(), &doc); err != nil {
			panic(err)
		}
		if err := out.Encode(decode([]byte(doc))); err != nil {
			panic(err)
		}
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}
