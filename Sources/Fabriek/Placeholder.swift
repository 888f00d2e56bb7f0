enum FabriekPlaceholder {}
