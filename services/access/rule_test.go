package access

import (
	"testing"

	"jinhui/shared/apperr"
)

func TestRules(t *testing.T) {
	org := func(role string, level int) Principal {
		return Principal{Kind: KindOrganizer, ID: "a", Role: role, Region: "370101000000", Level: level}
	}
	var (
		none       = Principal{}
		volunteer  = Principal{Kind: KindVolunteer, ID: "v"}
		carer      = Principal{Kind: KindCarer, ID: "c"}
		county     = org(RoleOrganizer, 3)
		supervisor = org(RoleSupervisor, 3)
		countyAdm  = org(RoleAdmin, 3)
		city       = org(RoleOrganizer, 2)
		township   = org(RoleOrganizer, 4)
		village    = org(RoleOrganizer, 5)
	)
	for _, tc := range []struct {
		name    string
		rule    Rule
		allowed []Principal
		refused []Principal
	}{
		{"Public", Public, []Principal{none, volunteer, county}, nil},
		{"AnyUser", AnyUser, []Principal{volunteer, carer, supervisor}, []Principal{none}},
		{"Staff", Staff, []Principal{county, supervisor, countyAdm, village}, []Principal{none, volunteer, carer}},
		{"Writer", Writer, []Principal{county, countyAdm}, []Principal{supervisor, volunteer, carer}},
		{"Admin", Admin, []Principal{countyAdm}, []Principal{county, supervisor, volunteer}},
		{"TopAdmin", TopAdmin, []Principal{countyAdm}, []Principal{county, supervisor, volunteer}},
		{"CityUp", CityUp, []Principal{city}, []Principal{county, township, supervisor, volunteer}},
		{"CountyUp", CountyUp, []Principal{city, county, countyAdm}, []Principal{township, village, supervisor, carer}},
		{"TownshipUp", TownshipUp, []Principal{city, county, township}, []Principal{village, supervisor, volunteer}},
		{"CountyWriter", CountyWriter, []Principal{county, countyAdm}, []Principal{city, township, village, supervisor}},
		{"VillageOrCounty", VillageOrCounty, []Principal{county, village}, []Principal{city, township, supervisor, volunteer}},
		{"Volunteer", Volunteer, []Principal{volunteer}, []Principal{carer, county, none}},
		{"Carer", Carer, []Principal{carer}, []Principal{volunteer, county}},
		{"VolunteerOrCarer", VolunteerOrCarer, []Principal{volunteer, carer}, []Principal{county, supervisor}},
		{"StaffOrVolunteer", StaffOrVolunteer, []Principal{supervisor, county, volunteer}, []Principal{carer, none}},
		{"StaffOrCarer", StaffOrCarer, []Principal{supervisor, carer}, []Principal{volunteer}},
		{"WriterOrVolunteer", WriterOrVolunteer, []Principal{county, volunteer}, []Principal{supervisor, carer}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rule.Text == "" {
				t.Fatal("rule without text")
			}
			for _, p := range tc.allowed {
				if err := tc.rule.Check(p); err != nil {
					t.Errorf("%+v refused: %v", p, err)
				}
			}
			for _, p := range tc.refused {
				err := tc.rule.Check(p)
				want := apperr.Forbidden
				if p.Kind == "" {
					want = apperr.Unauthorized
				}
				if apperr.CodeOf(err) != want {
					t.Errorf("%+v: %v, want %s", p, err, want)
				}
			}
		})
	}
	// A supervisor is refused for the role, not the level.
	if err := CountyUp.Check(supervisor); apperr.As(err) == nil || apperr.As(err).Message != "当前角色无修改权限" {
		t.Fatalf("supervisor on a county rule: %v", err)
	}
}
