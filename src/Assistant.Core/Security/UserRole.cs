namespace Assistant.Core.Security;

/// <summary>Who is asking: technicians get short steps, engineers root-cause reasoning. Bound to the account.</summary>
public enum UserRole
{
    Technician,
    Engineer,
}
