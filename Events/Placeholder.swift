// Placeholder until the catalogue lands.
enum EventsPlaceholder {}
