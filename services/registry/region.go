// Package registry holds the programme's registers: the region tree, elders
// (rules E1–E5), volunteers and carers. It is free of HTTP and database
// code: the Service calls a Storer that the mongostore package implements.
package registry

import "jinhui/shared/area"

// Level is a node's depth in the region tree.
type Level = area.Level

// The five levels of the tree, province at the top.
const (
	Province = area.Province
	City     = area.City
	County   = area.County
	Township = area.Township
	Village  = area.Village
)

// Region code helpers, re-exported for the register's callers.
var (
	NormalizeCode = area.NormalizeCode
	LevelOf       = area.LevelOf
	AncestorAt    = area.AncestorAt
	AreasOf       = area.AreasOf
	ParentOf      = area.ParentOf
	Within        = area.Within
	LevelName     = area.LevelName
)

// Region is a node of the tree. Code is the 12-digit statistical division
// code; Areas lists the codes of the node and all its ancestors, so that
// "inside an organizer's subtree" is one equality match on any record.
type Region struct {
	Code   string   `bson:"_id" json:"code"`
	Name   string   `bson:"name" json:"name"`
	Level  Level    `bson:"level" json:"level"`
	Parent string   `bson:"parent,omitempty" json:"parent,omitempty"`
	Areas  []string `bson:"areas" json:"-"`
	Lat    float64  `bson:"lat,omitempty" json:"lat,omitempty"`
	Lon    float64  `bson:"lon,omitempty" json:"lon,omitempty"`
	// ElderQuota is a county's quota of elders (rule E4), set from above.
	ElderQuota int `bson:"elderQuota,omitempty" json:"elderQuota,omitempty"`
	// RequireTraining makes a county pair only trained volunteers (rule V5).
	RequireTraining bool `bson:"requireTraining,omitempty" json:"requireTraining,omitempty"`
	// KeyVillage marks a village the county watches closely (重点村): its
	// households are in every supervision draw (rule Q2).
	KeyVillage bool `bson:"keyVillage,omitempty" json:"keyVillage,omitempty"`
}
