package demo

import (
	"context"
	"fmt"
	"jinhui/shared/dict"
	"math/rand/v2"
	"sync"
	"time"

	"jinhui/services/access"
	"jinhui/services/auth"
	"jinhui/services/registry"
	"jinhui/shared/area"
	"jinhui/shared/pii"
)

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
var given = []rune("秀英桂兰玉凤淑珍华明国庆建军德福春梅丽红海燕志强振宇子涵雨欣浩然思远晓东文博佳怡俊杰")

func name(r *rand.Rand) string {
	n := string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))])
	if r.IntN(3) > 0 {
		n += string(given[r.IntN(len(given))])
	}
	return n
}

// idNumber makes a valid resident ID for someone born on birth, registered
// in the county of village.
func idNumber(village string, birth time.Time, seq int, female bool) string {
	s := seq % 500 * 2
	if !female {
		s++
	}
	return pii.CompleteResidentID(fmt.Sprintf("%s%s%03d", village[:6], birth.Format("20060102"), s%1000))
}

// Password is the demo accounts' password.
const Password = "Jinhui@2026"

// Login is one printed demo login.
type Login struct {
	Who      string
	Username string
	Region   string
}

// DemoAccounts are the organizer accounts of the demo: one per level down
// one branch of the tree, a supervisor, admins, and an organizer of a
// sibling county to show that counties cannot see each other.
var DemoAccounts = []struct {
	Username, Name, Region, Role string
}{
	{"admin", "省级管理员", "370000000000", access.RoleAdmin},
	{"shandong", "团省委组织者", "370000000000", access.RoleOrganizer},
	{"jinan", "济南市组织者", "370100000000", access.RoleOrganizer},
	{"szq", "市中区组织者", "370101000000", access.RoleOrganizer},
	{"szqadmin", "市中区管理员", "370101000000", access.RoleAdmin},
	{"szqdudao", "市中区督导员", "370101000000", access.RoleSupervisor},
	{"cgz", "城关镇组织者", "370101001000", access.RoleOrganizer},
	{"zjc", "张家村组织者", "370101001001", access.RoleOrganizer},
	{"linxian", "邻县组织者", "370102000000", access.RoleOrganizer},
}

// Set is a generated data set.
type Set struct {
	Regions    []registry.Region
	Elders     []registry.Elder
	Volunteers []registry.Volunteer
	Carers     []registry.Carer
	Accounts   []auth.Account
}

// Generate builds a data set deterministically from seed.
func Generate(sc Scale, seed uint64, now time.Time) (Set, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	set := Set{Regions: Regions(sc, rng)}
	var villages []registry.Region
	counties := map[string]bool{}
	for _, r := range set.Regions {
		if r.Level == registry.County {
			if sc.PopulatedCounties == 0 || len(counties) < sc.PopulatedCounties {
				counties[r.Code] = true
			}
		}
		if r.Level == registry.Village && counties[r.Code[:6]+"000000"] {
			villages = append(villages, r)
		}
	}
	// The accounts' password (Password) is hashed by Load, not here: a
	// caller that stores the set with hashes of its own (the tests' cheap
	// ones) then never pays for argon2id's 64 MiB.
	for _, a := range DemoAccounts {
		set.Accounts = append(set.Accounts, auth.Account{ID: registry.NewID(), Username: a.Username, Name: a.Name, Region: a.Region,
			Areas: area.AreasOf(a.Region), Role: a.Role, CreatedAt: now})
	}
	needs := [][]string{{"慢病随访", "血压测量"}, {"助餐", "助浴"}, {"家电维修", "房屋修缮"}, {"聊天陪伴", "心理疏导"}}
	for i := 0; i < sc.Elders; i++ {
		v := villages[i%len(villages)]
		birth := time.Date(1930+rng.IntN(30), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		female := rng.IntN(2) == 0
		e := registry.Elder{ID: registry.NewID(), Name: name(rng), IDNumber: idNumber(v.Code, birth, i, female), BirthDate: birth.Format(time.DateOnly),
			Village: v.Code, Areas: area.AreasOf(v.Code), Lat: v.Lat, Lon: v.Lon, Address: v.Name + fmt.Sprintf("%d号", 1+rng.IntN(90)),
			Poor: true, PovertyNo: fmt.Sprintf("PK%s%05d", v.Code[:6], i), LeftBehind: rng.IntN(4) > 0,
			Family:   registry.Family{LivingAlone: rng.IntN(2) == 0, Children: rng.IntN(4)},
			Health:   registry.Health{DisabilityLevel: rng.IntN(5), SelfCare: []string{"自理", "半失能", "失能"}[rng.IntN(3)], Notes: "高血压, 需定期测量"},
			Needs:    registry.Needs{Health: needs[0][:1+rng.IntN(2)], Dependency: needs[1][:rng.IntN(3)], Home: needs[2][:rng.IntN(3)], Psychological: needs[3][:1+rng.IntN(2)]},
			Contacts: []registry.Contact{{Name: name(rng), Relation: []string{"儿子", "女儿", "侄子", "邻居"}[rng.IntN(4)], Phone: fmt.Sprintf("+86151%08d", i)}},
			Status:   registry.StatusActive, Stage: registry.StageConfirmed, History: []registry.StatusChange{}, Version: 1, CreatedAt: now, UpdatedAt: now}
		e.Bereaved = !e.LeftBehind
		e.Gender = map[bool]string{true: "女", false: "男"}[female]
		e.Eligibility = registry.CheckEligibility(&e, pii.AgeOn(birth, now))
		e.Intake = []registry.IntakeStep{{Stage: registry.StageProposed, By: "demo", ByName: "演示数据", Region: registry.AncestorAt(v.Code, registry.Township), At: now}}
		switch {
		case i%20 == 7: // waiting for the county
			e.Stage, e.Status = registry.StageProposed, registry.StatusPending
		case i%20 == 13: // waiting for the village
			e.Stage, e.Status = registry.StageApproved, registry.StatusPending
		}
		set.Elders = append(set.Elders, e)
	}
	types := []string{registry.TypeNeighbour, registry.TypeNeighbour, registry.TypeUrban, registry.TypeUrban, registry.TypeGroup, registry.TypeDoctor, registry.TypePsychologist}
	skillCodes := dict.SkillCodes()
	sources := []string{"university", "social_org", "individual", "family"}
	for i := 0; i < sc.Volunteers; i++ {
		v := villages[i%len(villages)]
		birth := time.Date(1990+rng.IntN(16), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		t := types[rng.IntN(len(types))]
		vol := registry.Volunteer{ID: registry.NewID(), Name: name(rng), IDNumber: idNumber(v.Code, birth, i, rng.IntN(2) == 0), Phone: fmt.Sprintf("+86138%08d", i+1),
			Type: t, Village: v.Code, Areas: area.AreasOf(v.Code), Lat: v.Lat, Lon: v.Lon, Capacity: 1 + rng.IntN(2),
			Skills:       []string{skillCodes[rng.IntN(len(skillCodes))]},
			Availability: []registry.Availability{{Day: 6, From: "09:00", To: "17:00"}, {Day: 1 + rng.IntN(5), From: "14:00", To: "18:00"}},
			SourceKind:   sources[rng.IntN(len(sources))], Status: registry.VolActive, History: []registry.StatusChange{}, Version: 1, CreatedAt: now, UpdatedAt: now}
		if t == registry.TypeDoctor {
			vol.Skills = append(vol.Skills, "medical")
		}
		set.Volunteers = append(set.Volunteers, vol)
	}
	for i := 0; i < sc.Carers; i++ {
		v := villages[i%len(villages)]
		birth := time.Date(1965+rng.IntN(20), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		set.Carers = append(set.Carers, registry.Carer{ID: registry.NewID(), Name: name(rng), IDNumber: idNumber(v.Code, birth, i+7, rng.IntN(2) == 0),
			Phone: fmt.Sprintf("+86139%08d", i+1), Village: v.Code, Areas: area.AreasOf(v.Code), Status: registry.VolActive,
			StartDate: now.AddDate(0, -3, 0).Format(time.DateOnly), Version: 1, CreatedAt: now})
	}
	return set, nil
}

// Writer is where a data set is loaded.
type Writer interface {
	InsertRegions(ctx context.Context, rs []registry.Region) error
	InsertElders(ctx context.Context, es []registry.Elder) error
	InsertVolunteers(ctx context.Context, vs []registry.Volunteer) error
	InsertCarers(ctx context.Context, cs []registry.Carer) error
	InsertAccount(ctx context.Context, a auth.Account) error
}

const batch = 2000

// Load writes the set in batches. An account without a password hash gets
// the demo password's (Password).
func Load(ctx context.Context, w Writer, set Set) error {
	for i := 0; i < len(set.Regions); i += batch {
		if err := w.InsertRegions(ctx, set.Regions[i:min(i+batch, len(set.Regions))]); err != nil {
			return fmt.Errorf("demo.Load regions: %w", err)
		}
	}
	for i := 0; i < len(set.Elders); i += batch {
		if err := w.InsertElders(ctx, set.Elders[i:min(i+batch, len(set.Elders))]); err != nil {
			return fmt.Errorf("demo.Load elders: %w", err)
		}
	}
	for i := 0; i < len(set.Volunteers); i += batch {
		if err := w.InsertVolunteers(ctx, set.Volunteers[i:min(i+batch, len(set.Volunteers))]); err != nil {
			return fmt.Errorf("demo.Load volunteers: %w", err)
		}
	}
	for i := 0; i < len(set.Carers); i += batch {
		if err := w.InsertCarers(ctx, set.Carers[i:min(i+batch, len(set.Carers))]); err != nil {
			return fmt.Errorf("demo.Load carers: %w", err)
		}
	}
	for _, a := range set.Accounts {
		if a.PasswordHash == "" {
			hash, err := passwordHash()
			if err != nil {
				return fmt.Errorf("demo.Load accounts: %w", err)
			}
			a.PasswordHash = hash
		}
		if err := w.InsertAccount(ctx, a); err != nil {
			return fmt.Errorf("demo.Load accounts: %w", err)
		}
	}
	return nil
}

// passwordHash hashes the demo password once per process (64 MiB of
// argon2id each time otherwise).
var passwordHash = sync.OnceValues(func() (string, error) { return auth.HashPassword(Password) })
