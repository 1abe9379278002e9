package solver

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Format names the layout of an OR-Library assignment file.
type Format int

const (
	// FormatAuto decides from the number of tokens, then from the file name.
	FormatAuto Format = iota
	// FormatDense is assignN: n, then the n×n cost matrix row by row.
	FormatDense
	// FormatSparse is assignpN: n, then triples "i j cost" (1-based) until the end.
	FormatSparse
)

// ParseFormat maps "auto", "dense" and "sparse" to a Format; other names are an error.
func ParseFormat(name string) (Format, error) {
	switch name {
	case "auto", "":
		return FormatAuto, nil
	case "dense":
		return FormatDense, nil
	case "sparse":
		return FormatSparse, nil
	}
	return 0, fmt.Errorf("unknown format %q (want dense, sparse or auto)", name)
}

// ParseORLib reads an OR-Library linear assignment instance (J.E. Beasley) from data as a
// stream of integer tokens — line breaks carry no meaning — and returns it as a Problem in
// which every row is a slot of its own elder and every column a volunteer of capacity 1.
// name (a file name, may be empty) breaks the tie when both layouts fit the token count.
// Malformed tokens, a negative n, indices out of range or a wrong token count are errors.
func ParseORLib(data []byte, format Format, name string) (*Problem, error) {
	toks, err := tokens(data)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty input: want n first")
	}
	n := toks[0]
	if n < 0 || n > 1<<24 {
		return nil, fmt.Errorf("n = %d out of range", n)
	}
	rest := toks[1:]
	if format == FormatAuto {
		format = detect(int64(len(rest)), n, rest, name)
	}
	p := &Problem{SlotElder: make([]int32, n), Capacity: make([]int32, n)}
	for i := range p.SlotElder {
		p.SlotElder[i], p.Capacity[i] = int32(i), 1
	}
	switch format {
	case FormatDense:
		if int64(len(rest)) != n*n {
			return nil, fmt.Errorf("dense: %d costs after n = %d, want %d", len(rest), n, n*n)
		}
		p.Arcs = make([]Arc, 0, n*n)
		for i := int64(0); i < n; i++ {
			for j := int64(0); j < n; j++ {
				p.Arcs = append(p.Arcs, Arc{int32(i), int32(j), rest[i*n+j]})
			}
		}
	case FormatSparse:
		if len(rest)%3 != 0 {
			return nil, fmt.Errorf("sparse: %d tokens after n, not a multiple of 3", len(rest))
		}
		p.Arcs = make([]Arc, 0, len(rest)/3)
		for k := 0; k < len(rest); k += 3 {
			i, j := rest[k], rest[k+1]
			if i < 1 || i > n || j < 1 || j > n {
				return nil, fmt.Errorf("sparse: triple %d (%d %d %d) out of range 1..%d",
					k/3+1, i, j, rest[k+2], n)
			}
			p.Arcs = append(p.Arcs, Arc{int32(i - 1), int32(j - 1), rest[k+2]})
		}
	default:
		return nil, fmt.Errorf("unknown format %d", format)
	}
	return p, nil
}

// detect picks the layout: the token count settles it unless n*n is also a multiple of 3;
// then the file name ("assignp…" is sparse), then whether every triple is in range.
func detect(count, n int64, rest []int64, name string) Format {
	dense, sparse := count == n*n, count%3 == 0
	if dense != sparse {
		if dense {
			return FormatDense
		}
		return FormatSparse
	}
	if !dense {
		return FormatSparse // neither fits; the sparse parser reports why
	}
	base := strings.ToLower(filepath.Base(name))
	switch {
	case strings.HasPrefix(base, "assignp"):
		return FormatSparse
	case strings.HasPrefix(base, "assign"):
		return FormatDense
	}
	for k := 0; k+1 < len(rest); k += 3 {
		if rest[k] < 1 || rest[k] > n || rest[k+1] < 1 || rest[k+1] > n {
			return FormatDense
		}
	}
	return FormatSparse
}

// tokens splits data into whitespace-separated decimal integers.
func tokens(data []byte) ([]int64, error) {
	out := make([]int64, 0, len(data)/3)
	i, line := 0, 1
	for i < len(data) {
		c := data[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' {
			if c == '\n' {
				line++
			}
			i++
			continue
		}
		start := i
		neg := false
		if c == '-' || c == '+' {
			neg = c == '-'
			i++
		}
		var v int64
		digits := 0
		for ; i < len(data) && data[i] >= '0' && data[i] <= '9'; i++ {
			if v > (1<<62)/10 {
				return nil, fmt.Errorf("line %d: number too large", line)
			}
			v = v*10 + int64(data[i]-'0')
			digits++
		}
		if digits == 0 || (i < len(data) && !isSpace(data[i])) {
			end := i
			for end < len(data) && !isSpace(data[end]) && end-start < 20 {
				end++
			}
			return nil, fmt.Errorf("line %d: malformed token %q", line, data[start:end])
		}
		if neg {
			v = -v
		}
		out = append(out, v)
	}
	return out, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}
