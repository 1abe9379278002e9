package registry

import "testing"

func TestCheckEligibility(t *testing.T) {
	tests := []struct {
		name                   string
		age                    int
		poor, leftBehind, lost bool
		want                   bool
	}{
		{"OKLeftBehind", 70, true, true, false, true},
		{"OKBereaved", 65, true, false, true, true},
		{"ErrTooYoung", 64, true, true, false, false},
		{"ErrNotPoor", 80, false, true, true, false},
		{"ErrNeither", 80, true, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Elder{Poor: tt.poor, LeftBehind: tt.leftBehind, Bereaved: tt.lost}
			got := CheckEligibility(e, tt.age)
			if got.Eligible != tt.want || len(got.Reasons) != 3 {
				t.Fatalf("E1(%+v) = %+v", tt, got)
			}
		})
	}
	over := &Elder{Eligibility: Eligibility{Override: &Override{Eligible: true, Reason: "特殊困难"}}}
	if !CheckEligibility(over, 50).Eligible {
		t.Fatal("override ignored")
	}
}

func TestStatusMoves(t *testing.T) {
	for _, tt := range []struct {
		from, to string
		ok       bool
	}{
		{StatusActive, StatusHospitalised, true},
		{StatusHospitalised, StatusActive, true},
		{StatusActive, StatusDeceased, true},
		{StatusDeceased, StatusActive, false},
		{StatusPending, StatusActive, false},
		{StatusActive, StatusPending, false},
	} {
		if CanMove(tt.from, tt.to) != tt.ok {
			t.Errorf("CanMove(%s, %s) = %v", tt.from, tt.to, !tt.ok)
		}
	}
}

func TestRegionCodes(t *testing.T) {
	for _, tt := range []struct {
		code  string
		level Level
	}{
		{"370000000000", Province}, {"370100000000", City}, {"370102000000", County},
		{"370102001000", Township}, {"370102001002", Village},
	} {
		if LevelOf(tt.code) != tt.level {
			t.Errorf("LevelOf(%s) = %d", tt.code, LevelOf(tt.code))
		}
	}
	if c, err := NormalizeCode("370102"); err != nil || c != "370102000000" {
		t.Errorf("6-digit county code: %s %v", c, err)
	}
	if _, err := NormalizeCode("37A102"); err == nil {
		t.Error("letters accepted")
	}
	if got := AreasOf("370102001002"); len(got) != 5 || got[0] != "370000000000" || got[2] != "370102000000" {
		t.Errorf("AreasOf = %v", got)
	}
	if !Within("370102001002", "370102000000") || Within("370101001002", "370102000000") || Within("370100000000", "370102000000") {
		t.Error("Within")
	}
}
