using Burst.ControlPlane;

// Settings come from the "Burst" configuration section (appsettings.json, Burst__Listen=..., --Burst:DataDir=...).
ControlPlaneApp.Build(new ControlPlaneOptions(), args).Run();

public partial class Program;
