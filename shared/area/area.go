// Package area is the region tree's coding: 12-digit statistical division
// codes (37|01|02|001|001), their levels and ancestors. "Inside an
// organizer's subtree" is decided here.
package area

import (
	"strings"

	"jinhui/shared/apperr"
)

// Level is a node's depth in the region tree.
type Level int

// The five levels of the tree, province at the top.
const (
	Province Level = 1 + iota
	City
	County
	Township
	Village
)

// LevelName is the Chinese name of each level.
var LevelName = map[Level]string{Province: "省", City: "市", County: "县", Township: "乡镇", Village: "村"}

// prefixLen is how many digits of the 12-digit statistical code identify a
// node at each level: 37|01|02|001|001.
var prefixLen = map[Level]int{Province: 2, City: 4, County: 6, Township: 9, Village: 12}

// NormalizeCode accepts a 12-digit code, or a 6-digit county code (padded
// with zeros), and returns the 12-digit form.
func NormalizeCode(code string) (string, error) {
	code = strings.TrimSpace(code)
	for _, c := range code {
		if c < '0' || c > '9' {
			return "", apperr.Field("code", "区划代码只能包含数字")
		}
	}
	switch len(code) {
	case 12:
		return code, nil
	case 6:
		return code + "000000", nil
	case 9:
		return code + "000", nil
	case 2, 4:
		return code + strings.Repeat("0", 12-len(code)), nil
	}
	return "", apperr.Field("code", "区划代码应为 12 位统计用区划代码或 6 位县级代码")
}

// LevelOf infers the level of a 12-digit code from its trailing zeros.
func LevelOf(code string) Level {
	if !isCode(code) {
		return 0 // not a 12-digit code: no level, inside nothing
	}
	switch {
	case code[2:] == "0000000000":
		return Province
	case code[4:] == "00000000":
		return City
	case code[6:] == "000000":
		return County
	case code[9:] == "000":
		return Township
	}
	return Village
}

// AncestorAt returns the code of code's ancestor at level l (itself if equal).
func AncestorAt(code string, l Level) string {
	n := prefixLen[l]
	return code[:n] + strings.Repeat("0", 12-n)
}

// AreasOf returns the codes of the node and its ancestors, top first.
func AreasOf(code string) []string {
	lv := LevelOf(code)
	out := make([]string, 0, lv)
	for l := Province; l <= lv; l++ {
		out = append(out, AncestorAt(code, l))
	}
	return out
}

// ParentOf returns the parent's code, or "" for a province.
func ParentOf(code string) string {
	lv := LevelOf(code)
	if lv <= Province {
		return ""
	}
	return AncestorAt(code, lv-1)
}

// Within reports whether code lies in the subtree rooted at root.
func Within(code, root string) bool {
	return isCode(code) && isCode(root) && AncestorAt(code, LevelOf(root)) == root && LevelOf(code) >= LevelOf(root)
}

// isCode reports whether code is 12 digits.
func isCode(code string) bool {
	if len(code) != 12 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}
