package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeModule writes a small module: a passing package that reads a file
// of its own folder, a failing one, one without tests and a second package
// named "a" (its binary has the same name as the first's).
func writeModule(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"go.mod":             "module tmpmod\n\ngo 1.24\n",
		"a/a.go":             "package a\n\nfunc Two() int { return 2 }\n",
		"a/testdata/msg.txt": "hello from a's folder\n",
		"a/a_test.go": `package a

import (
	"os"
	"testing"
)

func TestTwo(t *testing.T) {
	b, err := os.ReadFile("testdata/msg.txt") // the package's folder
	if err != nil {
		t.Fatal(err)
	}
	t.Log(string(b))
	if Two() != 2 {
		t.Fatal("two")
	}
}
`,
		"b/b.go":      "package b\n\nfunc Three() int { return 4 }\n",
		"b/b_test.go": "package b\n\nimport \"testing\"\n\nfunc TestThree(t *testing.T) {\n\tif Three() != 3 {\n\t\tt.Fatalf(\"Three() = %d, want 3\", Three())\n\t}\n}\n",
		"c/c.go":      "package c\n",
		"x/a/a.go":    "package a\n",
		"x/a/a_test.go": `package a

import "testing"

func TestOther(t *testing.T) {}
`,
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRunReportsEachPackageAndKeepsUpToDateBinaries(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	mod := t.TempDir()
	writeModule(t, mod)
	t.Chdir(mod)
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "")
	runIt := func(args ...string) (int, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"-go", goCmd, "-p", "2"}, args...), &out, &errOut)
		return code, out.String() + errOut.String()
	}

	code, out := runIt("./...")
	if code != 1 {
		t.Fatalf("a failing package: exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"ok  \ttmpmod/a\t", "ok  \ttmpmod/x/a\t", "FAIL\ttmpmod/b\t", "Three() = 4, want 3", "FAIL (1 of 3 packages): tmpmod/b"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "tmpmod/c") {
		t.Errorf("a package without tests is reported:\n%s", out)
	}
	if strings.Contains(out, "hello from") {
		t.Errorf("a passing test's log is printed without -v:\n%s", out)
	}

	binA := filepath.Join(mod, "bin", "test", "a.test")
	binB := filepath.Join(mod, "bin", "test", "b.test")
	if _, err := os.Stat(filepath.Join(mod, "bin", "test", "1", "a.test")); err != nil {
		t.Errorf("the second package named a has no binary of its own: %v", err)
	}
	// A binary the go command links again is written afresh; one it finds
	// up to date (by the build ID inside it) is left as it is, bytes
	// appended after the ELF file included.
	const mark = "\x00kept-by-testrun-test"
	for _, b := range []string{binA, binB} {
		f, err := os.OpenFile(b, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(mark); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	marked := func(b string) bool {
		data, err := os.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.HasSuffix(data, []byte(mark))
	}

	// Mend b: only its binary is linked again.
	if err := os.WriteFile(filepath.Join(mod, "b", "b.go"), []byte("package b\n\nfunc Three() int { return 3 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = runIt("-v", "./...")
	if code != 0 {
		t.Fatalf("every package passes: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "hello from a's folder") || !strings.Contains(out, "ok  \ttmpmod/b\t") {
		t.Errorf("-v output:\n%s", out)
	}
	if !marked(binA) {
		t.Errorf("a's binary was linked again though its code did not change")
	}
	if marked(binB) {
		t.Errorf("b's binary was not linked again after b changed")
	}

	// -run narrows the tests; a build error stops the run with go's message.
	if code, out = runIt("-run", "TestNone", "./a"); code != 0 || !strings.Contains(out, "no tests to run") {
		t.Errorf("-run TestNone ./a: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(filepath.Join(mod, "b", "b.go"), []byte("package b\n\nfunc Three() int { return x }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out = runIt("./..."); code != 2 || !strings.Contains(out, "undefined: x") || strings.Contains(out, "ok  \t") {
		t.Errorf("a build error: exit %d, want 2 before any test\n%s", code, out)
	}
}
