using Burst.Cloud.Storage;
using Burst.Training.Storage;

namespace Burst.TrainerAgent.Agent;

/// <summary>The object stores every burst-agent mode reads and writes through: bundled://, paths and file://, and gs://.</summary>
public static class AgentStores
{
    public static ObjectStoreRegistry Create()
    {
        var files = new FileObjectStore();

        // gs:// follows STORAGE_EMULATOR_HOST, else Application Default Credentials (the VM's service account).
        return new ObjectStoreRegistry([BundledObjectStore.ForExecutable(files), files, GcsObjectStore.FromEnvironment()]);
    }
}
