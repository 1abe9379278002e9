package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	dense := write("assign3.txt", "3\n 4 1 3\n 2 0 5\n 3 2 2\n")
	sparse := write("assignp3.txt", "3\n1 1 4\n1 2 1\n2 1 2\n2 2 0\n3 3 2\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		lastLine string
		stderr   string
	}{
		{name: "Dense", args: []string{dense}, lastLine: "cost 5"},
		{name: "Sparse", args: []string{sparse}, lastLine: "cost 5"},
		{name: "ForcedFormat", args: []string{"-format", "dense", dense}, lastLine: "cost 5"},
		{name: "Generated", args: []string{"-gen", "-elders", "50", "-volunteers", "100", "-seed", "2"}, lastLine: "cost "},
		{name: "ErrMissingFile", args: []string{filepath.Join(dir, "nope.txt")}, code: 2, stderr: "no such file"},
		{name: "ErrNoArgs", args: nil, code: 2, stderr: "usage"},
		{name: "ErrMalformed", args: []string{write("bad1", "2 1 2 x 4")}, code: 2, stderr: "malformed"},
		{name: "ErrOutOfRange", args: []string{write("bad2", "2\n1 1 1\n3 1 1\n")}, code: 2, stderr: "out of range"},
		{name: "ErrNegativeN", args: []string{write("bad3", "-2 1 1 1")}, code: 2, stderr: "out of range"},
		{name: "ErrEmpty", args: []string{write("bad4", "")}, code: 2, stderr: "empty"},
		{name: "ErrFormatName", args: []string{"-format", "csv", dense}, code: 2, stderr: "unknown format"},
		{name: "ErrBadFlag", args: []string{"-elders", "x", "-gen"}, code: 2, stderr: "invalid value"},
		{name: "ErrNegativeElders", args: []string{"-gen", "-elders", "-1"}, code: 2, stderr: ">= 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tc.args, &out, &errOut)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errOut.String())
			}
			if tc.stderr != "" && !strings.Contains(errOut.String(), tc.stderr) {
				t.Fatalf("stderr %q does not mention %q", errOut.String(), tc.stderr)
			}
			if tc.lastLine != "" {
				lines := strings.Split(strings.TrimSpace(out.String()), "\n")
				if last := lines[len(lines)-1]; !strings.HasPrefix(last, tc.lastLine) {
					t.Fatalf("last line %q, want %q", last, tc.lastLine)
				}
			}
		})
	}
}
