// Projectors write SQL through GRDB's `Database`; re-exporting GRDB lets a module that imports
// `Projections` declare projectors without naming GRDB itself.
@_exported import GRDB
