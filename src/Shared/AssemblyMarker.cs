namespace BookingAws.Shared;

public static class AssemblyMarker;
